import { constants } from 'node:buffer';
import { RxnetInvalidOptionError, UNKNOWN_OPTION_EXPECTED } from '../errors.js';

/** What one option allows: a test, and its description for the error message. */
export interface OptionRule {
  /** What is allowed, as the error message says it: `an integer 1-65536`. */
  readonly expected: string;
  readonly allows: (value: unknown) => boolean;
}

/** An integer from `min` to `max`, both included. Usage: `{ maxFrameLength: integerIn(1, 2 ** 32) }`. */
export function integerIn(min: number, max: number): OptionRule {
  return { expected: `an integer ${min}-${max}`, allows: (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max };
}

/** The longest frame any framing accepts: 4 GiB, or the largest Buffer Node can allocate if smaller. */
export const MAX_BYTE_LENGTH = Math.min(constants.MAX_LENGTH, 2 ** 32);

/** A length in bytes from `min` to {@link MAX_BYTE_LENGTH}. Usage: `{ maxFrameLength: byteLengthFrom(1) }`. */
export function byteLengthFrom(min: number): OptionRule {
  return integerIn(min, MAX_BYTE_LENGTH);
}

/** One of a few values. Usage: `{ lengthFieldLength: oneOf([1, 2, 3, 4, 8]) }`. */
export function oneOf(values: readonly unknown[]): OptionRule {
  return { expected: `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`, allows: (value) => values.includes(value) };
}

/** True or false. */
export const BOOLEAN: OptionRule = { expected: 'true or false', allows: (value) => typeof value === 'boolean' };

/** Describes any value as text for an error message, even one that String() cannot convert. */
function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? value : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Merges a framing's options over its defaults (an option given as `undefined` keeps its
 * default) and checks every one once, at construction: framing is pure, so this is its small
 * stand-in for the zod schemas of the layers above. Returns the resolved options, frozen.
 *
 * Example: `resolveFramingOptions({ frameLength: 8 }, options, { frameLength: integerIn(1, 2 ** 32) })`
 *
 * @throws RxnetInvalidOptionError naming the first bad option, its value and what is allowed
 *   (`Invalid maxFrameLength "0" (expected an integer 1-4294967296)`), or an unknown option.
 */
export function resolveFramingOptions<T extends object>(defaults: T, options: Partial<T> | undefined, rules: { readonly [K in keyof T]: OptionRule }): Readonly<T> {
  const merged: T = { ...defaults };
  for (const [key, value] of Object.entries(options ?? {})) {
    if (!Object.hasOwn(rules, key)) {
      throw new RxnetInvalidOptionError({ option: key, value: describe(value), expected: UNKNOWN_OPTION_EXPECTED }, `Unknown option ${key}`);
    }
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  for (const key of Object.keys(rules) as Array<keyof T & string>) {
    const rule = rules[key];
    if (!rule.allows(merged[key])) throw new RxnetInvalidOptionError({ option: key, value: describe(merged[key]), expected: rule.expected });
  }
  return Object.freeze(merged);
}
