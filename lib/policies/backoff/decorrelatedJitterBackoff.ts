import { checkOption, isIntegerAtLeast, isPositiveNumber } from '../checkOption.js';
import { backoffOf, type Backoff } from './Backoff.js';

/** Options of {@link decorrelatedJitterBackoff}, times in milliseconds. */
export interface DecorrelatedJitterOptions {
  /** The shortest wait, and the base of the first. */
  readonly initial: number;
  /** The longest wait (a cap). */
  readonly max: number;
  /** Give up after this many waits. Defaults to no limit. */
  readonly maxRetries?: number;
  /** Numbers in [0, 1). Defaults to `Math.random`. */
  readonly random?: () => number;
}

/**
 * Decorrelated jitter (AWS's "Exponential Backoff And Jitter"): each wait is drawn from
 * [initial, 3 * previous), the first from [initial, 3 * initial), and cut to `max`. It grows
 * about exponentially while no two clients follow the same sequence.
 *
 * ```
 * { initial: 100, max: 1000 }   [100,300), [100, 3*w1), [100, 3*w2) ... each at most 1000
 * ```
 *
 * Example: `backoffRetry({ backoff: decorrelatedJitterBackoff({ initial: 100, max: 10_000, maxRetries: 4 }) })`
 *
 * @throws RxnetInvalidOptionError for a bad option, or a `max` below `initial`.
 * @see exponentialBackoff, fullJitter
 */
export function decorrelatedJitterBackoff(options: DecorrelatedJitterOptions): Backoff {
  const { initial, max, maxRetries = Infinity, random = Math.random } = options;
  checkOption('initial', initial, isPositiveNumber(initial), 'a finite number of milliseconds greater than 0');
  checkOption('max', max, isPositiveNumber(max) && max >= initial, 'a finite number of milliseconds of at least initial');
  checkOption('maxRetries', maxRetries, maxRetries === Infinity || isIntegerAtLeast(maxRetries, 0), 'an integer of at least 0');
  checkOption('random', random, typeof random === 'function', 'a function returning numbers in [0, 1)');
  return backoffOf((_attempt, previous) => {
    const upper = 3 * (previous ?? initial);
    return Math.min(max, initial + random() * (upper - initial));
  }, maxRetries);
}
