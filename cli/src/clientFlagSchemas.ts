import { z } from 'zod';

/** Flag schemas the client needs beyond flagSchemas.ts. Values arrive as strings. */

const allows = (expected: string) => ({ error: expected });
const PORT = allows('an integer 1-65535');

/** `--port` of a client: an integer 1-65535 (a server may bind 0; a client cannot send to it). */
export const remotePortFlag = z
  .string(PORT)
  .regex(/^\d{1,5}$/, PORT)
  .transform(Number)
  .pipe(z.number().min(1, PORT).max(65535, PORT));

/** A duration in seconds, greater than 0 and at most `max`, e.g. `--timeout 0.5`; gives milliseconds. */
export function secondsFlag(max: number) {
  const expected = allows(`a number of seconds greater than 0, at most ${max}`);
  return z
    .string(expected)
    .regex(/^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, expected)
    .transform(Number)
    .pipe(z.number().gt(0, expected).max(max, expected))
    .transform((seconds) => Math.round(seconds * 1e6) / 1e3);
}

/** `--mx`: the seconds servers may wait before answering a discovery search, an integer 1-5 (as `rxnet.js discover` has it). */
export const mxFlag = z
  .string(allows('an integer number of seconds 1-5'))
  .regex(/^[1-5]$/, allows('an integer number of seconds 1-5'))
  .transform(Number);
