import { RxnetInvalidRequestError } from '../errors.js';

/**
 * Checks that a request is one line: a `\n` inside it would make the server answer twice for one
 * request and put every later reply on the wrong request. Returns the error, or undefined.
 *
 * Example: `checkRequestLine('+,1,1\n+,2,2')?.message` is
 * `Invalid request line "+,1,1\n+,2,2" (expected one line, without "\n")` (`ERR_RXNET_INVALID_REQUEST`).
 */
export function checkRequestLine(line: string): RxnetInvalidRequestError | undefined {
  if (!line.includes('\n')) return undefined;
  const shown = JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}...` : line).slice(1, -1);
  return new RxnetInvalidRequestError({ value: shown, expected: 'one line, without "\\n"' });
}
