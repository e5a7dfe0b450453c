import { defer, mergeMap, type MonoTypeOperatorFunction } from 'rxjs';
import { checkProbability } from '../../operators/checkProbability.js';
import type { ToxicEnvironment } from './ToxicOptions.js';

/** Options of {@link duplicate}. */
export interface DuplicateOptions extends Pick<ToxicEnvironment, 'random'> {
  /** The probability, 0-1, that a datagram is sent twice. Defaults to 0. */
  readonly rate?: number;
}

/**
 * Sends some datagrams twice, back to back (netem's duplicate): a datagram whose roll is below
 * `rate` is emitted a second time right after itself.
 *
 * ```
 * random:   0.1  0.9          rate 0.5
 * --a--b--|   ->   --(aa)--b--|
 * ```
 *
 * Example: `datagrams$.pipe(duplicate({ rate: 0.01 }))`
 *
 * @param options.rate defaults to 0.
 * @see packetLoss, reorder
 */
export function duplicate<T>(options: DuplicateOptions = {}): MonoTypeOperatorFunction<T> {
  const rate = options.rate ?? 0;
  checkProbability('rate', rate);
  const random = options.random ?? Math.random;
  return (source) => defer(() => source.pipe(mergeMap((value: T) => (random() < rate ? [value, value] : [value]))));
}
