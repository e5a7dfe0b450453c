import { decodeMessage } from './decodeMessage.js';
import { DEFAULT_MAX_LINE_LENGTH, type Frame } from './Frame.js';
import type { FrameDecoder } from './FrameDecoder.js';

/**
 * The seed's `chunk` framing as a decoder: every chunk (one read of a stream, or one datagram)
 * is one message, decoded by {@link decodeMessage} (a single trailing `\n` or `\r\n` removed; over
 * `maxLength` bytes, an overlong frame). It holds nothing between chunks, so which bytes make a
 * message depends on how the peer's writes were read: use it for datagrams, or for peers that wait
 * for each reply.
 *
 * Example:
 * ```ts
 * const decoder = new ChunkDecoder(1024);
 * decoder.push(Buffer.from('+,1,1\n'));  // ['+,1,1']
 * decoder.push(Buffer.from('*,2,3'));    // ['*,2,3']
 * decoder.end();                         // []
 * ```
 *
 * @param maxLength the longest message accepted, in bytes, without its terminator. Defaults to 4096.
 * @see encodeChunk, LineDecoder
 */
export class ChunkDecoder implements FrameDecoder<Frame> {
  constructor(readonly maxLength: number = DEFAULT_MAX_LINE_LENGTH) {}

  /** Always 0: every chunk is a whole message. */
  get bufferedBytes(): number {
    return 0;
  }

  /** Decodes one chunk as one message. */
  push(chunk: Uint8Array): Frame[] {
    return [decodeMessage(chunk, this.maxLength)];
  }

  /** Nothing is ever pending. */
  end(): Frame[] {
    return [];
  }
}
