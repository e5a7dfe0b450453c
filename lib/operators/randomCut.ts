import { takeWhile, type MonoTypeOperatorFunction } from 'rxjs';
import { checkProbability } from './checkProbability.js';

/**
 * Passes each value with probability `success`; at the first value that loses the roll, drops it
 * and completes. On a TCP connection this is the honest analogue of a lost reply: the replies
 * before it are delivered in order, then the connection ends, so a client can never take a later
 * reply for an earlier request's answer.
 *
 * ```
 * random:   0.1  0.9
 * --a--b--c--|   ->   --a--|     (success 0.5)
 * ```
 *
 * Example: `connection.data$.pipe(splitLines(), parse(), evaluate(), randomCut(0.9), encode())`
 *
 * @param success the probability, in [0, 1], that a value passes. 1 passes all.
 * @param random a source of numbers in [0, 1). Defaults to `Math.random`.
 * @throws RxnetInvalidOptionError when `success` is not a number in [0, 1].
 * @see randomDrop
 */
export function randomCut<T>(success: number, random: () => number = Math.random): MonoTypeOperatorFunction<T> {
  checkProbability('success', success);
  return takeWhile(() => random() < success);
}
