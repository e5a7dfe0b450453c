import minimist from 'minimist';
import type { z } from 'zod';
import { RxnetInvalidOptionError } from '../../lib/index.js';

/** The shape of a command's flags, for minimist. */
export interface FlagSpec {
  /** Flags that take a value. Numeric flags belong here too, so minimist does not coerce them. */
  readonly string: readonly string[];
  /** Flags that take no value. */
  readonly boolean: readonly string[];
  /** Short names: `{ h: 'help' }`. */
  readonly alias?: Readonly<Record<string, string>>;
}

/** Flags and positional arguments, validated. */
export interface ParsedFlags<T> {
  readonly flags: T;
  readonly positionals: readonly string[];
}

/**
 * Parses argv with minimist for shape and a zod schema for meaning. Every flag must be declared;
 * the schema's keys are the long flag names, and each check's message says what is allowed.
 *
 * Example: `parseFlags(['--port', '0'], { string: ['port'], boolean: [] }, schema)`
 *
 * @throws RxnetInvalidOptionError with one line naming the flag: `Invalid --port "abc" (expected an integer 0-65535)`.
 */
export function parseFlags<T>(argv: readonly string[], spec: FlagSpec, schema: z.ZodType<T>): ParsedFlags<T> {
  const known = new Set([...spec.string, ...spec.boolean, ...Object.keys(spec.alias ?? {})]);
  const unknown: string[] = [];
  const parsed = minimist([...argv], {
    string: [...spec.string],
    boolean: [...spec.boolean],
    alias: { ...spec.alias },
    unknown: (arg) => {
      if (!arg.startsWith('-') || arg === '-') return true;
      const name = arg.replace(/^-+/, '').split('=')[0] ?? '';
      if (!known.has(name)) unknown.push(arg.split('=')[0] ?? arg);
      return known.has(name);
    },
  });
  const first = unknown[0];
  if (first !== undefined) {
    throw new RxnetInvalidOptionError({ option: first, value: first, expected: 'a known flag' }, `Unknown flag ${first} (see --help)`);
  }
  const raw: Record<string, unknown> = {};
  for (const name of [...spec.string, ...spec.boolean]) {
    if (parsed[name] !== undefined) raw[name] = parsed[name];
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? '');
    if (issue?.code === 'custom' || name === '') {
      throw new RxnetInvalidOptionError({ option: name, value: '', expected: '' }, issue?.message ?? 'Invalid flags');
    }
    throw new RxnetInvalidOptionError({ option: `--${name}`, value: String(raw[name]), expected: issue?.message ?? 'a valid value' });
  }
  return { flags: result.data, positionals: parsed._.map(String) };
}
