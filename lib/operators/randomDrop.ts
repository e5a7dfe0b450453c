import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import { checkProbability } from './checkProbability.js';

/**
 * Passes each value with probability `success` and silently drops the rest: the seed's lossy
 * UDP server. Randomness is injectable so tests are deterministic.
 *
 * ```
 * random:   0.1  0.9  0.3
 * --a--b--c--|   ->   --a-----c--|     (success 0.5)
 * ```
 *
 * Example: `replies$.pipe(randomDrop(0.5))`
 *
 * @param success the probability, in [0, 1], that a value passes. 1 passes all, 0 none.
 * @param random a source of numbers in [0, 1). Defaults to `Math.random`.
 * @throws RxnetInvalidOptionError when `success` is not a number in [0, 1].
 * @see randomCut
 */
export function randomDrop<T>(success: number, random: () => number = Math.random): MonoTypeOperatorFunction<T> {
  checkProbability('success', success);
  return filter(() => random() < success);
}
