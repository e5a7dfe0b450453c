import { LengthFieldDecoder } from '../framing/LengthFieldDecoder.js';
import { LENGTH_FIELD_DEFAULTS, LENGTH_FIELD_RULES, type LengthFieldOptions } from '../framing/LengthFieldOptions.js';
import { lengthFieldEncoder } from '../framing/lengthFieldEncoder.js';
import { resolveFramingOptions } from '../framing/resolveFramingOptions.js';
import type { Codec } from './Codec.js';
import { framed } from './framed.js';

/** Options of {@link lengthFieldCodec}: the wire layout `[length][body]`, with Netty's names. */
export type LengthFieldCodecOptions = Pick<LengthFieldOptions, 'maxFrameLength' | 'lengthFieldLength' | 'lengthAdjustment' | 'byteOrder' | 'failFast'>;

/**
 * The length-prefixed codec: each frame is a length field, then a body of that many bytes (plus
 * `lengthAdjustment`: `-4` when a 4-byte field counts itself). `decode` yields the bodies
 * ({@link LengthFieldDecoder} with the field stripped) and errors with an `RxnetFramingError`
 * (`ERR_RXNET_FRAME_TOO_LONG`, `ERR_RXNET_BAD_LENGTH_FIELD`, `ERR_RXNET_FRAME_TRUNCATED`) on a
 * length it cannot trust, which ends the connection; `encode` prepends the field
 * ({@link lengthFieldEncoder}). For other layouts (a header before the field, a header kept in the
 * frame), pair `framed(() => new LengthFieldDecoder({...}))` with an encoder of your own.
 *
 * Example (a 4-byte big-endian length, the default): `const { decode, encode } = lengthFieldCodec();`
 *
 * @param options `lengthFieldLength` (4), `byteOrder` (`big-endian`), `lengthAdjustment` (0),
 *   `maxFrameLength` (65536, the field included, as Netty counts), `failFast` (true).
 * @throws RxnetInvalidOptionError for a bad option, at once.
 * @see fixedLengthCodec, delimiterCodec
 */
export function lengthFieldCodec(options: Partial<LengthFieldCodecOptions> = {}): Codec<Uint8Array, Uint8Array | string> {
  const { maxFrameLength, lengthFieldLength, lengthAdjustment, byteOrder, failFast } = LENGTH_FIELD_RULES;
  const codecOptions = resolveFramingOptions(LENGTH_FIELD_DEFAULTS, options, { maxFrameLength, lengthFieldLength, lengthAdjustment, byteOrder, failFast });
  const resolved = new LengthFieldDecoder({ ...codecOptions, lengthFieldOffset: 0, initialBytesToStrip: codecOptions.lengthFieldLength }).options;
  // The decoder adds lengthAdjustment to the field to get the body's length; the encoder subtracts it.
  const encode = lengthFieldEncoder({ lengthFieldLength: resolved.lengthFieldLength, byteOrder: resolved.byteOrder, lengthAdjustment: -resolved.lengthAdjustment });
  return { decode: framed(() => new LengthFieldDecoder(resolved)), encode };
}
