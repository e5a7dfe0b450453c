import minimist from 'minimist';
import type { z } from 'zod';
import { RxnetInvalidOptionError } from '../../lib/index.js';
import { VersionRequested } from './runMain.js';

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

/** The switch every command has without declaring it. */
const VERSION = 'version';

/** A value minimist would take for a flag of its own: a negative number, `-1`, `-0.5`, `-.5`. */
const NEGATIVE_NUMBER = /^-\.?\d/;

/**
 * Parses argv with minimist for shape and a zod schema for meaning. Every flag must be declared;
 * the schema's keys are the long flag names, and each check's message says what is allowed.
 * A flag that takes a value takes a negative number too (`--port -1` is a bad port, not a flag
 * `-1`); a switch given a value (`--verbose=yes`) is an error. Every command has `--version`.
 *
 * Example: `parseFlags(['--port', '0'], { string: ['port'], boolean: [] }, schema)`
 *
 * @throws RxnetInvalidOptionError with one line naming the flag: `Invalid --port "abc" (expected an integer 0-65535)`.
 * @throws VersionRequested for `--version` (runMain prints the version).
 */
export function parseFlags<T>(argv: readonly string[], spec: FlagSpec, schema: z.ZodType<T>): ParsedFlags<T> {
  const known = new Set([...spec.string, ...spec.boolean, VERSION, ...Object.keys(spec.alias ?? {})]);
  const unknown: string[] = [];
  const parsed = minimist(shapeValues(argv, spec), {
    string: [...spec.string],
    boolean: [...spec.boolean, VERSION],
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
  if (parsed[VERSION] === true) throw new VersionRequested();
  const raw: Record<string, unknown> = {};
  for (const name of [...spec.string, ...spec.boolean]) {
    if (parsed[name] !== undefined) raw[name] = parsed[name];
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? '');
    // A rule across flags (a refine of the whole object) is its own sentence; a flag's value names the flag.
    if (name === '') {
      throw new RxnetInvalidOptionError({ option: name, value: '', expected: '' }, issue?.message ?? 'Invalid flags');
    }
    throw new RxnetInvalidOptionError({ option: `--${name}`, value: String(raw[name]), expected: issue?.message ?? 'a valid value' });
  }
  return { flags: result.data, positionals: parsed._.map(String) };
}

/**
 * Rewrites argv so minimist reads values as meant: `--port -1` becomes `--port=-1`. Throws for
 * a switch given a value (`--verbose=yes`, `-v=yes`), which minimist would take as true.
 * Nothing after `--` is touched.
 */
function shapeValues(argv: readonly string[], spec: FlagSpec): string[] {
  const longName = (name: string): string => spec.alias?.[name] ?? name;
  const shaped: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') return [...shaped, ...argv.slice(i)];
    const assigned = /^(?:--([^-=][^=]*)|-([^-=]))=(.*)$/s.exec(arg);
    const switchName = assigned === null ? undefined : longName(assigned[1] ?? assigned[2] ?? '');
    if (switchName !== undefined && (spec.boolean.includes(switchName) || switchName === VERSION)) {
      const value = assigned?.[3] ?? '';
      throw new RxnetInvalidOptionError({ option: `--${switchName}`, value, expected: 'no value' }, `Invalid --${switchName} "${value}" (a switch takes no value)`);
    }
    const named = /^(?:--([^-=][^=]*)|-([^-=]))$/.exec(arg);
    const flag = named === null ? undefined : (named[1] ?? named[2]);
    const next = argv[i + 1];
    if (flag !== undefined && spec.string.includes(longName(flag)) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      shaped.push(`${arg}=${next}`);
      i += 1;
    } else {
      shaped.push(arg);
    }
  }
  return shaped;
}
