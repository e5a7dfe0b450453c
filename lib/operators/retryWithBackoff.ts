import { asyncScheduler, defer, of, retry, throwError, timeout, timer, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { RxnetTimeoutError } from '../errors.js';
import { attemptTimeouts, resolveRetryPolicy, type RetryPolicy } from './retryPolicy.js';

/** Private marker: an attempt's wait expired. Never leaves the operator. */
class WaitExpired extends Error {}

/**
 * Times out and retries an observable whose every subscription is one attempt (send a request,
 * emit its answer). Attempt `n` waits `initial * factor^(n-1)` ms for its first value (the waits
 * are laid end to end from the first subscription, so timer lateness does not add up); when the
 * wait expires, the source is resubscribed at once (one resubscription per wait). When the next
 * wait would exceed `max`, it gives up without another attempt and errors with an
 * RxnetTimeoutError (`info: { attempts, elapsedMs }`). A transient error (timeout, ECONNRESET,
 * ECONNREFUSED, EPIPE, RxnetConnectionError) is retried when the attempt's wait has run out; any
 * other error passes straight through, as does a transient error after the last attempt.
 * Values after the first are not timed.
 *
 * ```
 * source (each subscription):  ----------...            (never answers)
 * retryWithBackoff({ initial: 1, max: 8 }) with 1 frame = 100 ms:
 * subscriptions:               ^ ^-^---^-------^               at 0, 1, 3, 7
 * result:                      ---------------#            RxnetTimeoutError at 15 (4 attempts)
 * ```
 *
 * Example:
 * ```ts
 * request$.pipe(retryWithBackoff({ initial: 100, max: 2000 }))  // sends at 0, 100, 300, 700, 1500 ms; gives up at 3100 ms
 * request$.pipe(retryWithBackoff({ initial: 1000, retry: false })) // one attempt, 1 s timeout
 * ```
 *
 * @param options merged over RETRY_DEFAULTS: `initial` 1000 ms, `factor` 2, `max` 2000 ms,
 *   `jitter` 0, `retry` true, `shouldRetry` isTransientError, `random` Math.random,
 *   `scheduler` asyncScheduler.
 * @throws RxnetInvalidOptionError at once (not as a stream error) for a bad option.
 * @see resolveRetryPolicy, attemptTimeouts, exponentialBackoff
 */
export function retryWithBackoff<T>(options: Partial<RetryPolicy> = {}): MonoTypeOperatorFunction<T> {
  const policy = resolveRetryPolicy(options);
  const scheduler = policy.scheduler ?? asyncScheduler;
  const timeouts = attemptTimeouts(policy);
  return (source) =>
    defer(() => {
      const startedAt = scheduler.now();
      let attempts = 0;
      let windowEnd = startedAt;
      // The window of the next attempt; drawn (with its jitter) once the previous one has failed.
      const windows = timeouts[Symbol.iterator]();
      let window = windows.next();

      const attempt$: Observable<T> = defer(() => {
        attempts += 1;
        // Windows are laid end to end from the first subscription, so timer lateness does not
        // add up: with 100 ms the copies go out at 0, 100, 300, 700, 1500 and it gives up at 3100.
        windowEnd += window.done === true ? 0 : window.value;
        const wait = Math.max(0, windowEnd - scheduler.now());
        return source.pipe(timeout({ first: wait, scheduler, with: () => throwError(() => new WaitExpired()) }));
      });

      return attempt$.pipe(
        retry({
          delay: (err: unknown) => {
            const expired = err instanceof WaitExpired;
            if (!expired && !policy.shouldRetry(err)) return throwError(() => err);
            window = windows.next();
            const hasNext = window.done !== true;
            if (expired) {
              return hasNext
                ? of(true)
                : throwError(() => new RxnetTimeoutError({ attempts, elapsedMs: scheduler.now() - startedAt }));
            }
            if (!hasNext) return throwError(() => err);
            const rest = windowEnd - scheduler.now();
            return rest > 0 ? timer(rest, scheduler) : of(true);
          },
        }),
      );
    });
}
