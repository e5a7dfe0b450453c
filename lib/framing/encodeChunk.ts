import { Buffer } from 'node:buffer';
import { FRAMING_CHUNK } from './FramingName.js';
import { unencodable } from './unencodable.js';

/**
 * The encoder of the chunk framing: a message and a `\n`, today's reply bytes in `chunk` mode.
 * A message ending in `\r` is refused, as the decoder would take `\r\n` for the terminator.
 *
 * Example: `encodeChunk('200,2')` gives `'200,2\n'`.
 *
 * @throws RxnetFramingError `ERR_RXNET_UNENCODABLE_FRAME` for a message ending in `\r`.
 * @see ChunkDecoder, encodeLine
 */
export function encodeChunk(message: string): string {
  if (message.endsWith('\r')) throw unencodable(FRAMING_CHUNK, Buffer.byteLength(message), 'it ends in "\\r", which would be read as part of its terminator');
  return `${message}\n`;
}
