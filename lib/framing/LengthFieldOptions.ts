import { DEFAULT_MAX_FRAME_LENGTH } from './Frame.js';
import { BYTE_ORDER_BIG_ENDIAN, BYTE_ORDER_RULE, LENGTH_FIELD_LENGTH_RULE, type ByteOrder, type LengthFieldLength } from './LengthField.js';
import { BOOLEAN, byteLengthFrom, integerIn, MAX_BYTE_LENGTH, type OptionRule } from './resolveFramingOptions.js';

/** Options of the length-field framing, named and meant as Netty's `LengthFieldBasedFrameDecoder`'s. */
export interface LengthFieldOptions {
  /** The longest frame, in bytes, counted as Netty does: from the frame's start (header included) before stripping. Defaults to 65536. */
  readonly maxFrameLength: number;
  /** Where the length field starts in the frame, in bytes. Defaults to 0. */
  readonly lengthFieldOffset: number;
  /** The length field's size: 1, 2, 3, 4 or 8 bytes. Defaults to 4. */
  readonly lengthFieldLength: LengthFieldLength;
  /** Added to the field's value to get the length of what follows the field. Defaults to 0 (the field counts the bytes after it). */
  readonly lengthAdjustment: number;
  /** How many bytes to remove from the start of each frame (2 + 4 for a 2-byte header and a 4-byte length). Defaults to 0. */
  readonly initialBytesToStrip: number;
  /** The field's byte order. Defaults to `big-endian`. */
  readonly byteOrder: ByteOrder;
  /** Fail as soon as the field announces an over-long frame (true), or once its bytes have been read and discarded (false). Defaults to true. */
  readonly failFast: boolean;
}

/** Every option's default, as Netty's constructors default them (and `maxFrameLength`, which Netty requires, 65536). */
export const LENGTH_FIELD_DEFAULTS: Readonly<LengthFieldOptions> = Object.freeze({
  maxFrameLength: DEFAULT_MAX_FRAME_LENGTH,
  lengthFieldOffset: 0,
  lengthFieldLength: 4,
  lengthAdjustment: 0,
  initialBytesToStrip: 0,
  byteOrder: BYTE_ORDER_BIG_ENDIAN,
  failFast: true,
});

/** What each option allows. */
export const LENGTH_FIELD_RULES: { readonly [K in keyof LengthFieldOptions]: OptionRule } = {
  maxFrameLength: byteLengthFrom(1),
  lengthFieldOffset: byteLengthFrom(0),
  lengthFieldLength: LENGTH_FIELD_LENGTH_RULE,
  lengthAdjustment: integerIn(-MAX_BYTE_LENGTH, MAX_BYTE_LENGTH),
  initialBytesToStrip: byteLengthFrom(0),
  byteOrder: BYTE_ORDER_RULE,
  failFast: BOOLEAN,
};
