import { isIPv6 } from 'node:net';
import { z } from 'zod';

/** Flag values arrive as strings (or arrays when repeated); these schemas give them meaning. */

const allows = (expected: string) => ({ error: expected });

/** `--port`: an integer 0-65535. */
export const portFlag = z
  .string(allows('an integer 0-65535'))
  .regex(/^\d{1,5}$/, allows('an integer 0-65535'))
  .transform(Number)
  .pipe(z.number().max(65535, allows('an integer 0-65535')));

const HOST = allows('a host name or IP address');
const BRACKETED = allows('a host name or IP address; brackets go around an IPv6 address only');

/**
 * `--host`: a host name or IP address. An IPv6 address may be given in brackets, as it is
 * written in a URL or next to a port (`[::1]`); the brackets are removed.
 */
export const hostFlag = z
  .string(HOST)
  .min(1, HOST)
  .refine((host) => !/[[\]]/.test(host) || (/^\[[^[\]]+\]$/.test(host) && isIPv6(host.slice(1, -1))), BRACKETED)
  .transform((host) => (host.startsWith('[') ? host.slice(1, -1) : host));

/** A decimal number flag within [min, max], e.g. `--success 0.5`. */
export function numberFlag(min: number, max: number, expected: string) {
  return z
    .string(allows(expected))
    .regex(/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, allows(expected))
    .transform(Number)
    .pipe(z.number().min(min, allows(expected)).max(max, allows(expected)));
}

/** An integer flag within [min, max], e.g. `--max-line-length 4096`. */
export function integerFlag(min: number, max: number) {
  const expected = allows(`an integer ${min}-${max}`);
  return z.string(expected).regex(/^\d+$/, expected).transform(Number).pipe(z.number().min(min, expected).max(max, expected));
}

/** A boolean flag (minimist always gives a boolean for declared boolean flags). */
export const switchFlag = z.boolean().default(false);

/** One of a fixed set of words, e.g. `--framing line|chunk`. */
export function choiceFlag<const T extends readonly [string, ...string[]]>(choices: T) {
  return z.enum(choices, allows(choices.join(' or ')));
}
