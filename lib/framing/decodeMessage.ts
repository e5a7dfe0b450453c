import { DEFAULT_MAX_LINE_LENGTH, overlong, type Frame } from './Frame.js';

/**
 * Decodes one whole message (a UDP datagram, or one read in the seed-compatible `chunk` framing)
 * as one frame: a single trailing `\n` or `\r\n` is removed; a message longer than `maxLength`
 * bytes is an overlong frame.
 *
 * Example: `decodeMessage(Buffer.from('+,1,1\n'))` gives `'+,1,1'`.
 *
 * @param maxLength the longest message accepted, in bytes, without its terminator. Defaults to 4096.
 */
export function decodeMessage(message: Uint8Array, maxLength: number = DEFAULT_MAX_LINE_LENGTH): Frame {
  let end = message.length;
  if (end > 0 && message[end - 1] === 0x0a) end -= 1;
  if (end > 0 && message[end - 1] === 0x0d && end < message.length) end -= 1;
  if (end > maxLength) return overlong(maxLength);
  // A Buffer decodes its own bytes (no view object made per message); any other Uint8Array through a view.
  return Buffer.isBuffer(message) ? message.toString('utf8', 0, end) : Buffer.from(message.buffer, message.byteOffset, end).toString('utf8');
}
