import { RxnetInvalidOptionError } from '../errors.js';

/** Describes any value as text for an error message, even one that String() cannot convert. */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Throws an RxnetInvalidOptionError naming `option`, its value and what is allowed, unless `ok`.
 * Internal to the policies, which check their few numeric options by hand (the layer imports no zod).
 *
 * Example: `checkOption('limit', limit, Number.isInteger(limit) && limit >= 1, 'an integer of at least 1')`
 * throws `Invalid limit "0" (expected an integer of at least 1)`.
 */
export function checkOption(option: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new RxnetInvalidOptionError({ option, value: describe(value), expected });
}

/** True for a finite number greater than 0 (a wait or a duration in ms). */
export function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** True for a finite number of at least 0. */
export function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** True for an integer of at least `min`. */
export function isIntegerAtLeast(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

/** True for a number strictly between 0 and 1 (a failure ratio). */
export function isOpenUnitRatio(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value < 1;
}

/** True for an RxJS scheduler, or undefined (the default scheduler). */
export function isSchedulerOrUndefined(value: unknown): boolean {
  return value === undefined || typeof (value as { schedule?: unknown } | null)?.schedule === 'function';
}

/** True for a Backoff (an iterable object; a string is iterable too, and no Backoff). */
export function isBackoff(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}
