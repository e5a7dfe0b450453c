import { ChunkDecoder } from '../framing/ChunkDecoder.js';
import { DEFAULT_MAX_LINE_LENGTH, type Frame } from '../framing/Frame.js';
import { encodeChunk } from '../framing/encodeChunk.js';
import { byteLengthFrom, resolveFramingOptions } from '../framing/resolveFramingOptions.js';
import type { Codec } from './Codec.js';
import { framed } from './framed.js';

/** Options of {@link chunkCodec}. */
export interface ChunkCodecOptions {
  /** The longest message received, in bytes, without its terminator. Defaults to 4096. */
  readonly maxLength: number;
}

/**
 * The chunk codec, the seed's framing: each chunk (a read of a stream, a datagram) is one text
 * message, a single trailing `\n` or `\r\n` removed ({@link ChunkDecoder}); `encode` appends a
 * `\n` ({@link encodeChunk}).
 *
 * Example: `of(datagram).pipe(chunkCodec().decode)` emits the datagram's text.
 *
 * @param options.maxLength the longest message received, in bytes. Defaults to 4096.
 * @see lineCodec
 */
export function chunkCodec(options: Partial<ChunkCodecOptions> = {}): Codec<Frame, string> {
  const { maxLength } = resolveFramingOptions({ maxLength: DEFAULT_MAX_LINE_LENGTH }, options, { maxLength: byteLengthFrom(0) });
  return { decode: framed(() => new ChunkDecoder(maxLength)), encode: encodeChunk, messagePerChunk: true };
}
