import { asyncScheduler, defer, retry, tap, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { isTransientError, RxnetTimeoutError } from '../errors.js';
import type { Backoff } from './backoff/Backoff.js';
import { checkOption, isBackoff, isSchedulerOrUndefined } from './checkOption.js';
import type { RetryLimiter } from './RetryLimiter.js';

/** Options of {@link backoffRetry}. */
export interface BackoffRetryOptions {
  /** The waits between attempts; when it ends, the operator gives up. */
  readonly backoff: Backoff;
  /** Which errors are worth another attempt. Defaults to {@link isTransientError}: never a validation error, a BrokenCircuitError or a BulkheadRejectedError. */
  readonly shouldRetry?: (err: unknown) => boolean;
  /** A retryBudget or retryThrottle shared by all the requests of the client. Defaults to none. */
  readonly limiter?: RetryLimiter;
  /** Start the backoff over when the source emits (for a long-lived source, like RxJS's `resetOnSuccess`). Defaults to false. */
  readonly resetOnSuccess?: boolean;
  /** Where the waits are scheduled. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * RxJS's `retry`, with its waits taken from a {@link Backoff}: an error that `shouldRetry`
 * accepts resubscribes after the backoff's next wait; any other error, or one that comes when
 * the backoff has ended or the `limiter` says no, passes through. Each subscription starts the
 * backoff over. Giving up on a timeout errors with an RxnetTimeoutError that counts every
 * attempt (`Timed out after 3 attempts in 700 ms`, the last timeout as its `cause`).
 *
 * ```
 * source:  --#                      (each attempt fails after 2 frames)
 * backoffRetry({ backoff: constantBackoff(3, { maxRetries: 2 }) }):
 * subs:    ^-!  ^-!  ^-!            at 0, 5, 10 (2 frames to fail, 3 to wait)
 * result:  ------------#            the third failure passes through
 * ```
 *
 * Example:
 * ```ts
 * const backoff = exponentialBackoff({ initial: 100, max: 2000, maxRetries: 4, jitter: fullJitter });
 * request$.pipe(replyTimeout({ ms: 500 }), backoffRetry({ backoff, limiter: budget }))
 * ```
 *
 * @throws RxnetInvalidOptionError for a missing backoff or a bad option, at once.
 * @see exponentialBackoff, retryBudget, retryThrottle, replyTimeout, docs/policies.md
 */
export function backoffRetry<T>(options: BackoffRetryOptions): MonoTypeOperatorFunction<T> {
  const { backoff, shouldRetry = isTransientError, limiter, resetOnSuccess = false, scheduler = asyncScheduler } = options;
  checkOption('backoff', backoff, isBackoff(backoff), 'a Backoff (exponentialBackoff, constantBackoff...)');
  checkOption('shouldRetry', shouldRetry, typeof shouldRetry === 'function', 'a function (err) => boolean');
  const isLimiter = limiter === undefined || (typeof limiter.tryRetry === 'function' && typeof limiter.onRequest === 'function');
  checkOption('limiter', limiter, isLimiter, 'a retry limiter (retryBudget, retryThrottle)');
  checkOption('scheduler', scheduler, isSchedulerOrUndefined(scheduler), 'an RxJS scheduler');

  return (source) =>
    defer(() => {
      limiter?.onRequest();
      const startedAt = scheduler.now();
      let attempts = 0;
      let waits = backoff[Symbol.iterator]();
      let answered = false;

      const attempt$ = defer(() => {
        attempts += 1;
        answered = false;
        return source;
      }).pipe(
        tap({
          next: () => {
            if (!answered) limiter?.onSuccess();
            answered = true;
            if (resetOnSuccess) waits = backoff[Symbol.iterator]();
          },
          complete: () => {
            if (!answered) limiter?.onSuccess();
          },
        }),
      );

      const giveUp = (err: unknown) =>
        throwError(() => (err instanceof RxnetTimeoutError && attempts > 1 ? new RxnetTimeoutError({ attempts, elapsedMs: scheduler.now() - startedAt }, { cause: err }) : err));

      return attempt$.pipe(
        retry({
          resetOnSuccess,
          delay: (err: unknown) => {
            if (!shouldRetry(err)) return throwError(() => err);
            limiter?.onFailure();
            const next = waits.next();
            // Ask the limiter last, so a budget is charged only for a retry that goes out.
            if (next.done === true || (limiter !== undefined && !limiter.tryRetry())) return giveUp(err);
            return timer(next.value, scheduler);
          },
        }),
      );
    });
}
