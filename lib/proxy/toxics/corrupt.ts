import { map, type MonoTypeOperatorFunction } from 'rxjs';
import { checkProbability } from '../../operators/checkProbability.js';
import { checkNonNegative, type ToxicEnvironment } from './ToxicOptions.js';

/** Options of {@link corrupt}. */
export interface CorruptOptions extends Pick<ToxicEnvironment, 'random'> {
  /** The probability, 0-1, that a datagram is corrupted. Defaults to 0. */
  readonly rate?: number;
  /** How many bytes of a corrupted datagram are flipped (at random places, maybe the same). Defaults to 1. */
  readonly bytes?: number;
}

/**
 * Corrupts some datagrams (netem's corrupt): a datagram whose roll is below `rate` is copied and
 * `bytes` of its bytes, at random offsets, are XORed with a random non-zero value, so each
 * chosen byte really changes. The original buffer is never touched.
 *
 * ```
 * random:   0.1 (then offset, value)   0.9       rate 0.5
 * --a--b--|   ->   --a'--b--|
 * ```
 *
 * Example: `datagrams$.pipe(corrupt({ rate: 0.05, bytes: 2 }))`
 *
 * @param options.rate defaults to 0; options.bytes defaults to 1.
 * @see duplicate
 */
export function corrupt(options: CorruptOptions = {}): MonoTypeOperatorFunction<Buffer> {
  const rate = options.rate ?? 0;
  const count = options.bytes ?? 1;
  checkProbability('rate', rate);
  checkNonNegative('bytes', count);
  const random = options.random ?? Math.random;
  return map((datagram: Buffer) => {
    if (datagram.length === 0 || !(random() < rate)) return datagram;
    const copy = Buffer.from(datagram);
    for (let i = 0; i < count; i += 1) {
      const offset = Math.floor(random() * copy.length);
      const flip = 1 + Math.floor(random() * 255);
      copy[offset] = (copy[offset] ?? 0) ^ flip;
    }
    return copy;
  });
}
