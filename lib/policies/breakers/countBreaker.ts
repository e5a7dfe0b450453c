import { CIRCUIT_CLOSED, CIRCUIT_HALF_OPEN } from '../CircuitState.js';
import { checkOption, isIntegerAtLeast, isOpenUnitRatio } from '../checkOption.js';
import type { Breaker } from './Breaker.js';

/** Options of {@link countBreaker}. */
export interface CountBreakerOptions {
  /** The failure ratio, in (0, 1), above which the circuit opens. */
  readonly threshold: number;
  /** How many of the latest outcomes count (a sliding window of calls). */
  readonly size: number;
  /** The fewest outcomes in the window before it may open. Defaults to `size`. */
  readonly minimumCalls?: number;
}

/**
 * Opens the circuit when more than `threshold` of the last `size` outcomes were failures, once
 * the window holds at least `minimumCalls` of them. A trial success (half-open) empties the window.
 *
 * ```
 * { threshold: 0.5, size: 4 }:  ok fail ok fail -> 2/4, stays closed;  then fail -> 3/4 -> open
 * ```
 *
 * Example: `circuitBreaker({ breaker: countBreaker({ threshold: 0.5, size: 20, minimumCalls: 10 }), halfOpenAfter: 5000 })`
 *
 * @throws RxnetInvalidOptionError for a threshold outside (0, 1), or a bad size or minimumCalls.
 * @see consecutiveBreaker, samplingBreaker
 */
export function countBreaker(options: CountBreakerOptions): Breaker {
  const { threshold, size, minimumCalls = size } = options;
  checkOption('threshold', threshold, isOpenUnitRatio(threshold), 'a number between 0 and 1, both excluded');
  checkOption('size', size, isIntegerAtLeast(size, 1), 'an integer of at least 1');
  checkOption('minimumCalls', minimumCalls, isIntegerAtLeast(minimumCalls, 1) && minimumCalls <= size, 'an integer from 1 to size');
  // samples[i]: true success, false failure, undefined empty.
  const samples: Array<boolean | undefined> = new Array<boolean | undefined>(size).fill(undefined);
  let next = 0;
  let failures = 0;
  let total = 0;

  const sample = (ok: boolean): void => {
    const old = samples[next];
    if (old !== undefined) {
      total -= 1;
      if (!old) failures -= 1;
    }
    samples[next] = ok;
    total += 1;
    if (!ok) failures += 1;
    next = (next + 1) % size;
  };

  return {
    success: (state) => {
      if (state === CIRCUIT_HALF_OPEN) {
        samples.fill(undefined);
        failures = 0;
        total = 0;
      }
      sample(true);
    },
    failure: (state) => {
      sample(false);
      if (state !== CIRCUIT_CLOSED) return true;
      return total >= minimumCalls && failures > threshold * total;
    },
  };
}
