import { FixedLengthDecoder } from '../framing/FixedLengthDecoder.js';
import { fixedLengthEncoder } from '../framing/fixedLengthEncoder.js';
import type { Codec } from './Codec.js';
import { framed } from './framed.js';

/**
 * The fixed-length codec: every frame is `frameLength` bytes ({@link FixedLengthDecoder}); a
 * stream ending inside a frame errors with `ERR_RXNET_FRAME_TRUNCATED`. `encode` takes a message
 * of exactly `frameLength` bytes.
 *
 * Example: `fixedLengthCodec(16)` for 16-byte records.
 *
 * @param frameLength the length of every frame, in bytes (at least 1).
 * @throws RxnetInvalidOptionError for a bad `frameLength`, at once.
 * @see lengthFieldCodec
 */
export function fixedLengthCodec(frameLength: number): Codec<Uint8Array, Uint8Array | string> {
  const encode = fixedLengthEncoder(frameLength);
  return { decode: framed(() => new FixedLengthDecoder(frameLength)), encode };
}
