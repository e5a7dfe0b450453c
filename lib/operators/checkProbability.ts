import { RxnetInvalidOptionError } from '../errors.js';

/** Throws an invalid-option error unless `value` is a number in [0, 1]. Internal. */
export function checkProbability(option: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RxnetInvalidOptionError({ option, value: String(value), expected: 'a number from 0 to 1' });
  }
}
