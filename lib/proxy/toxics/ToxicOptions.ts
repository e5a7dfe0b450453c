import type { SchedulerLike } from 'rxjs';
import { RxnetInvalidOptionError } from '../../errors.js';

/** What every toxic operator may be given to make it deterministic: its clock and its dice. */
export interface ToxicEnvironment {
  /** The scheduler that times delays. Defaults to RxJS's `asyncScheduler` (wall time). */
  readonly scheduler?: SchedulerLike;
  /** A source of numbers in [0, 1). Defaults to `Math.random`. */
  readonly random?: () => number;
}

/**
 * Throws an invalid-option error unless `value` is a finite number >= 0. Internal to the toxics.
 *
 * Example: `checkNonNegative('latency', options.latency ?? 0)`
 */
export function checkNonNegative(option: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RxnetInvalidOptionError({ option, value: String(value), expected: 'a number >= 0' });
  }
}

/** A whole number in [-spread, spread): toxiproxy's `rand.Int63n(2*spread) - spread`. Internal. */
export function spreadOf(spread: number, random: () => number): number {
  return spread > 0 ? Math.floor(random() * 2 * spread) - spread : 0;
}
