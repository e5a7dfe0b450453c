import { asyncScheduler, throwError, timeout, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { RxnetTimeoutError } from '../errors.js';
import { checkOption, isPositiveNumber, isSchedulerOrUndefined } from './checkOption.js';

/** Options of {@link replyTimeout}. */
export interface ReplyTimeoutOptions {
  /** How long to wait for the first value, in ms. */
  readonly ms: number;
  /** Where the timeout is scheduled. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * RxJS's `timeout` for one request: errors with an RxnetTimeoutError (`Timed out after 1
 * attempt in 500 ms`, transient, so a retry outside sends again) when no value comes within
 * `ms` of the subscription. Later values are not timed. Put it inside a retry to time each
 * attempt, outside to time the request with all its retries.
 *
 * ```
 * source:  ------a|        replyTimeout({ ms: 4 }):  ----#
 * source:  --a----b|       replyTimeout({ ms: 4 }):  --a----b|
 * ```
 *
 * Example: `request$.pipe(replyTimeout({ ms: 500 }), backoffRetry({ backoff }))`
 *
 * @throws RxnetInvalidOptionError for a bad ms, at once.
 * @see backoffRetry, retryWithBackoff
 */
export function replyTimeout<T>(options: ReplyTimeoutOptions): MonoTypeOperatorFunction<T> {
  const { ms, scheduler = asyncScheduler } = options;
  checkOption('ms', ms, isPositiveNumber(ms), 'a finite number of milliseconds greater than 0');
  checkOption('scheduler', scheduler, isSchedulerOrUndefined(scheduler), 'an RxJS scheduler');
  return timeout({ first: ms, scheduler, with: () => throwError(() => new RxnetTimeoutError({ attempts: 1, elapsedMs: ms })) });
}
