import { Buffer } from 'node:buffer';
import { FRAMING_LINE } from './FramingName.js';
import { unencodable } from './unencodable.js';

/**
 * The encoder of the line framing: a message and a `\n`. A message holding a `\n` (it would end
 * the line early, and smuggle in a line of its own) or ending in `\r` (the decoder would take
 * `\r\n` for the terminator) is refused.
 *
 * Example: `encodeLine('+,1,1')` gives `'+,1,1\n'`.
 *
 * @throws RxnetFramingError `ERR_RXNET_UNENCODABLE_FRAME` for a message the line framing cannot carry.
 * @see LineDecoder, encodeChunk
 */
export function encodeLine(message: string): string {
  if (message.includes('\n')) throw unencodable(FRAMING_LINE, Buffer.byteLength(message), 'it holds a "\\n", which would end the line early');
  if (message.endsWith('\r')) throw unencodable(FRAMING_LINE, Buffer.byteLength(message), 'it ends in "\\r", which would be read as part of its terminator');
  return `${message}\n`;
}
