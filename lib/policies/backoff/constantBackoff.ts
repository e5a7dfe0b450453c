import { checkOption, isIntegerAtLeast, isNonNegativeNumber } from '../checkOption.js';
import { backoffOf, type Backoff } from './Backoff.js';

/**
 * The same wait before every retry, `maxRetries` times (or forever).
 *
 * ```
 * constantBackoff(500, { maxRetries: 3 })   500, 500, 500, (end)
 * ```
 *
 * Example: `circuitBreaker({ breaker, halfOpenAfter: constantBackoff(10_000) })`, or a fixed
 * retry: `backoffRetry({ backoff: constantBackoff(200, { maxRetries: 2 }) })`.
 *
 * @param ms the wait, at least 0.
 * @param options `maxRetries`: the most waits. Defaults to no limit.
 * @throws RxnetInvalidOptionError for a negative wait or a bad maxRetries.
 * @see exponentialBackoff
 */
export function constantBackoff(ms: number, options: { readonly maxRetries?: number } = {}): Backoff {
  const { maxRetries = Infinity } = options;
  checkOption('ms', ms, isNonNegativeNumber(ms), 'a finite number of milliseconds of at least 0');
  checkOption('maxRetries', maxRetries, maxRetries === Infinity || isIntegerAtLeast(maxRetries, 0), 'an integer of at least 0');
  return backoffOf(() => ms, maxRetries);
}
