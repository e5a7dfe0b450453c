import type { z } from 'zod';
import { RxnetInvalidOptionError, UNKNOWN_OPTION_EXPECTED } from '../errors.js';

/**
 * Validates merged options with a zod object schema whose every check's message says what the
 * option allows. Internal: the factories of the server and the client use it.
 *
 * Example: `validateOptions(schema, { ...DEFAULTS, ...options })`
 *
 * @throws RxnetInvalidOptionError naming the first bad option, its value and what is allowed
 *   (`Invalid port "abc" (expected an integer 0-65535)`), or the unknown option.
 */
/** Describes any value as text for an error message, even one that String() cannot convert. */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function validateOptions<T>(schema: z.ZodType<T>, merged: Record<string, unknown>): Readonly<T> {
  const result = schema.safeParse(merged);
  if (result.success) return Object.freeze(result.data);
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const names = issue.keys.join(', ');
    throw new RxnetInvalidOptionError(
      { option: names, value: describe(merged[issue.keys[0] ?? '']), expected: UNKNOWN_OPTION_EXPECTED },
      `Unknown option ${names}`,
    );
  }
  if (issue !== undefined && issue.path.length === 0) {
    // A rule across options ("transport tls needs cert and key"): its message says it all.
    throw new RxnetInvalidOptionError({ option: 'options', value: '', expected: issue.message }, `Invalid options: ${issue.message}`);
  }
  const option = String(issue?.path[0] ?? 'options');
  throw new RxnetInvalidOptionError({
    option,
    value: describe(merged[option]),
    expected: issue?.message ?? 'a valid value',
  });
}
