import { checkOption, isIntegerAtLeast } from '../checkOption.js';
import type { Breaker } from './Breaker.js';

/**
 * Opens the circuit after `threshold` failures in a row; any success starts the count over.
 *
 * ```
 * outcomes: ok  fail  fail  ok  fail  fail  fail      (threshold 3)
 * count:    0   1     2     0   1     2     3 -> open
 * ```
 *
 * Example: `circuitBreaker({ breaker: consecutiveBreaker(5), halfOpenAfter: 10_000 })`
 *
 * @param threshold failures in a row that open the circuit, an integer of at least 1.
 * @throws RxnetInvalidOptionError for a bad threshold.
 * @see countBreaker, samplingBreaker
 */
export function consecutiveBreaker(threshold: number): Breaker {
  checkOption('threshold', threshold, isIntegerAtLeast(threshold, 1), 'an integer of at least 1');
  let failures = 0;
  return {
    success: () => {
      failures = 0;
    },
    failure: () => {
      failures += 1;
      return failures >= threshold;
    },
  };
}
