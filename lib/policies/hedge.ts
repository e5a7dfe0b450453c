import { asyncScheduler, Observable, Subscription, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { isTransientError } from '../errors.js';
import { checkOption, isIntegerAtLeast, isNonNegativeNumber, isSchedulerOrUndefined } from './checkOption.js';
import type { RetryLimiter } from './RetryLimiter.js';

/** Options of {@link hedge}. */
export interface HedgeOptions {
  /** How long to wait for an answer before sending the request again, in ms (gRPC's hedgingDelay). */
  readonly delay: number;
  /** The most copies in flight, the first included, from 1 to 5 (gRPC's client-side cap). Defaults to 2. */
  readonly maxAttempts?: number;
  /** Errors after which the next copy goes out at once instead of ending the request (gRPC's non-fatal codes). Defaults to {@link isTransientError}. */
  readonly isNonFatal?: (err: unknown) => boolean;
  /** A retryThrottle or retryBudget shared by the client: each copy after the first needs its yes. Defaults to none. */
  readonly limiter?: RetryLimiter;
  /** Where the delays are scheduled. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Hedged requests (gRFC A6's hedging policy, Finagle's backup requests), for idempotent requests
 * only: subscribes to the source, and again every `delay` ms while nothing has answered, up to
 * `maxAttempts` copies. The first copy to emit (or complete) wins: it alone goes on and the
 * others are unsubscribed (cancelled). A non-fatal error of a copy sends the next one at once and
 * restarts the delay; a fatal error cancels every copy and passes through; when every copy has
 * failed, the last error passes through.
 *
 * ```
 * source (each copy):  -----a|           delay 2, maxAttempts 3
 * subscriptions:       ^-----!           the first answers at 5 and wins
 *                      --^--!            the second (sent at 2) is cancelled at 5
 *                      ----^!            the third (sent at 4) is cancelled at 5
 * result:              -----a|
 * ```
 *
 * Example: `request$.pipe(hedge({ delay: 50, maxAttempts: 2, limiter: throttle }))`: a second
 * copy at 50 ms if the first is slow, unless the server is failing (the throttle says no).
 *
 * @throws RxnetInvalidOptionError for a bad option, at once.
 * @see retryThrottle, backoffRetry, docs/policies.md
 */
export function hedge<T>(options: HedgeOptions): MonoTypeOperatorFunction<T> {
  const { delay, maxAttempts = 2, isNonFatal = isTransientError, limiter, scheduler = asyncScheduler } = options;
  checkOption('delay', delay, isNonNegativeNumber(delay), 'a finite number of milliseconds of at least 0');
  checkOption('maxAttempts', maxAttempts, isIntegerAtLeast(maxAttempts, 1) && maxAttempts <= 5, 'an integer from 1 to 5');
  checkOption('isNonFatal', isNonFatal, typeof isNonFatal === 'function', 'a function (err) => boolean');
  checkOption('scheduler', scheduler, isSchedulerOrUndefined(scheduler), 'an RxJS scheduler');

  return (source) =>
    new Observable<T>((subscriber) => {
      limiter?.onRequest();
      const copies = new Map<number, Subscription>();
      let sent = 0;
      let throttled = false;
      let won = false;
      let lastError: unknown;
      let next: Subscription | undefined;

      const mayHedge = (): boolean => sent < maxAttempts && !throttled;
      const scheduleNext = (): void => {
        next?.unsubscribe();
        next = mayHedge() ? scheduler.schedule(() => send(), delay) : undefined;
      };
      const failIfDone = (): void => {
        if (copies.size === 0 && !mayHedge()) subscriber.error(lastError);
      };
      const win = (id: number): void => {
        won = true;
        limiter?.onSuccess();
        next?.unsubscribe();
        for (const [other, copy] of copies) if (other !== id) copy.unsubscribe();
      };

      const send = (): void => {
        if (sent > 0 && limiter !== undefined && !limiter.tryRetry()) {
          throttled = true;
          next = undefined;
          failIfDone();
          return;
        }
        sent += 1;
        const id = sent;
        const copy = new Subscription();
        copies.set(id, copy);
        scheduleNext();
        copy.add(
          source.subscribe({
            next: (value) => {
              if (!won) win(id);
              subscriber.next(value);
            },
            error: (err: unknown) => {
              copies.delete(id);
              if (won || !isNonFatal(err)) {
                for (const other of copies.values()) other.unsubscribe();
                subscriber.error(err);
                return;
              }
              limiter?.onFailure();
              lastError = err;
              if (mayHedge()) send();
              else failIfDone();
            },
            complete: () => {
              if (!won) win(id);
              subscriber.complete();
            },
          }),
        );
      };

      send();
      return () => {
        next?.unsubscribe();
        for (const copy of copies.values()) copy.unsubscribe();
      };
    });
}
