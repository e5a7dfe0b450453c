import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { checkOption, isNonNegativeNumber, isSchedulerOrUndefined } from './checkOption.js';
import type { RetryLimiter } from './RetryLimiter.js';
import { WindowedSum } from './WindowedSum.js';

/** Options of {@link retryBudget}. */
export interface RetryBudgetOptions {
  /** Retries allowed per request, on top of the reserve: 0.2 lets one request in 5 be retried. Defaults to 0.2. */
  readonly ratio?: number;
  /** A reserve of retries per second for a client that has sent few requests yet. Defaults to 10. */
  readonly minPerSecond?: number;
  /** How long a deposit (and a withdrawal) counts, from 1 s to 60 s. Defaults to 10 000 ms. */
  readonly ttlMs?: number;
  /** The clock of the window. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** A Finagle-style retry budget: a {@link RetryLimiter} with its current balance. */
export interface RetryBudget extends RetryLimiter {
  /** How many retries may go out now. */
  readonly balance: number;
}

/** Finagle keeps the ratio in integers: a deposit is worth this much. */
const SCALE = 1000;

/**
 * A retry budget (Finagle's RetryBudget): every request deposits, every retry withdraws, and a
 * retry goes out only while the balance allows, so retries stay under `ratio` times the
 * requests of the last `ttlMs`, plus `minPerSecond` of them. When a server fails everything, a
 * client's load on it grows by `ratio` (20 %), not by its retry count. Both deposits and
 * withdrawals expire after `ttlMs`; the reserve is `minPerSecond * ttlMs / 1000` retries.
 *
 * ```
 * { ratio: 0.5, minPerSecond: 0 }:  4 requests fail -> 2 of them are retried, the others fail at once
 * ```
 *
 * Example:
 * ```ts
 * const budget = retryBudget({ ratio: 0.2, minPerSecond: 10 });   // once per client
 * const answer$ = request$.pipe(replyTimeout({ ms: 500 }), backoffRetry({ backoff, limiter: budget }));
 * ```
 *
 * @throws RxnetInvalidOptionError for a ratio outside [0, 1000], a negative minPerSecond or a ttl outside 1-60 s.
 * @see retryThrottle, backoffRetry, hedge
 */
export function retryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  const { ratio = 0.2, minPerSecond = 10, ttlMs = 10_000, scheduler = asyncScheduler } = options;
  checkOption('ratio', ratio, isNonNegativeNumber(ratio) && ratio <= SCALE, `a number from 0 to ${SCALE}`);
  checkOption('minPerSecond', minPerSecond, isNonNegativeNumber(minPerSecond), 'a number of at least 0');
  checkOption('ttlMs', ttlMs, typeof ttlMs === 'number' && ttlMs >= 1000 && ttlMs <= 60_000, 'a number of milliseconds from 1000 to 60000');
  checkOption('scheduler', scheduler, isSchedulerOrUndefined(scheduler), 'an RxJS scheduler');
  // Finagle: with no ratio a retry costs 1 and requests earn nothing; all credit comes from the reserve.
  const deposit = ratio === 0 ? 0 : SCALE;
  const withdrawal = ratio === 0 ? 1 : Math.floor(SCALE / ratio);
  const reserve = minPerSecond * (ttlMs / 1000) * withdrawal;
  const window = new WindowedSum(ttlMs, 10);
  const count = (): number => reserve + window.sum(scheduler.now());

  return {
    onRequest: () => window.add(deposit, scheduler.now()),
    onSuccess: () => undefined,
    onFailure: () => undefined,
    tryRetry: () => {
      if (count() < withdrawal) return false;
      window.add(-withdrawal, scheduler.now());
      return true;
    },
    get balance() {
      return Math.floor(count() / withdrawal);
    },
  };
}
