import { checkRequestLine } from './checkRequestLine.js';

/**
 * The stream client's default request encoder: the line and a `\n`, refusing a line that holds a
 * `\n` with an RxnetInvalidRequestError (`ERR_RXNET_INVALID_REQUEST`), as the calc client always has.
 *
 * Example: `encodeRequestLine('+,1,1')` is `'+,1,1\n'`.
 *
 * @throws RxnetInvalidRequestError for a line holding a `\n`.
 * @see checkRequestLine
 */
export function encodeRequestLine(line: string): string {
  const invalid = checkRequestLine(line);
  if (invalid !== undefined) throw invalid;
  return `${line}\n`;
}
