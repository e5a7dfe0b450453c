import { DEFAULT_MAX_LINE_LENGTH, type Frame } from '../framing/Frame.js';
import { LineDecoder } from '../framing/LineDecoder.js';
import { encodeLine } from '../framing/encodeLine.js';
import { byteLengthFrom, resolveFramingOptions } from '../framing/resolveFramingOptions.js';
import type { Codec } from './Codec.js';
import { framed } from './framed.js';

/** Options of {@link lineCodec}. */
export interface LineCodecOptions {
  /** The longest line received, in bytes, without its terminator. Defaults to 4096. */
  readonly maxLineLength: number;
}

/**
 * The line codec: `\n`-terminated text lines (a `\r` before the `\n` removed), decoded by
 * {@link LineDecoder} exactly as the calc server frames requests; an over-long line is one
 * overlong frame (a value: the calc server answers it `300,-1`) and the stream goes on. `encode`
 * appends the `\n` ({@link encodeLine}). The limit binds only what is received.
 *
 * Example: `const { decode, encode } = lineCodec({ maxLineLength: 1024 });`
 *
 * @param options.maxLineLength the longest line received, in bytes. Defaults to 4096.
 * @see chunkCodec, delimiterCodec
 */
export function lineCodec(options: Partial<LineCodecOptions> = {}): Codec<Frame, string> {
  const { maxLineLength } = resolveFramingOptions({ maxLineLength: DEFAULT_MAX_LINE_LENGTH }, options, { maxLineLength: byteLengthFrom(1) });
  return { decode: framed(() => new LineDecoder(maxLineLength)), encode: encodeLine };
}
