import { map, type OperatorFunction } from 'rxjs';
import { decodeMessage } from '../framing/decodeMessage.js';
import type { Frame } from '../framing/Frame.js';

/**
 * Frames each chunk as one whole message (one UDP datagram, or one read in the seed's `chunk`
 * framing); a single trailing newline is removed; a chunk over `maxLength` bytes is overlong.
 *
 * ```
 * --[+,1,1\n]--[x]--|   ->   --'+,1,1'--'x'--|
 * ```
 *
 * Example: `chunks$.pipe(splitMessages(), parse(), evaluate(), encode())`
 *
 * @param options.maxLength the longest message, in bytes, without its terminator. Defaults to 4096.
 * @see splitLines
 */
export function splitMessages(options: { maxLength?: number } = {}): OperatorFunction<Uint8Array, Frame> {
  return map((chunk) => decodeMessage(chunk, options.maxLength));
}
