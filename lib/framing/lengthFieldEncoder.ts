import { Buffer } from 'node:buffer';
import { FRAMING_LENGTH_FIELD } from './FramingName.js';
import { BYTE_ORDER_BIG_ENDIAN, BYTE_ORDER_RULE, LENGTH_FIELD_LENGTH_RULE, maxLengthFieldValue, writeLengthField, type ByteOrder, type LengthFieldLength } from './LengthField.js';
import { BOOLEAN, integerIn, MAX_BYTE_LENGTH, resolveFramingOptions } from './resolveFramingOptions.js';
import { unencodable } from './unencodable.js';

/** Options of the length-field encoder, named and meant as Netty's `LengthFieldPrepender`'s. */
export interface LengthFieldEncoderOptions {
  /** The length field's size: 1, 2, 3, 4 or 8 bytes. Defaults to 4. */
  readonly lengthFieldLength: LengthFieldLength;
  /** Added to the message's length to get the field's value. Defaults to 0. */
  readonly lengthAdjustment: number;
  /** Whether the field's value counts the field itself. Defaults to false. */
  readonly lengthIncludesLengthFieldLength: boolean;
  /** The field's byte order. Defaults to `big-endian`. */
  readonly byteOrder: ByteOrder;
}

const DEFAULTS: LengthFieldEncoderOptions = { lengthFieldLength: 4, lengthAdjustment: 0, lengthIncludesLengthFieldLength: false, byteOrder: BYTE_ORDER_BIG_ENDIAN };
const RULES = {
  lengthFieldLength: LENGTH_FIELD_LENGTH_RULE,
  lengthAdjustment: integerIn(-MAX_BYTE_LENGTH, MAX_BYTE_LENGTH),
  lengthIncludesLengthFieldLength: BOOLEAN,
  byteOrder: BYTE_ORDER_RULE,
};

/**
 * The encoder of the length-field framing (Netty's `LengthFieldPrepender`): returns a function
 * that prepends to a message (a string is UTF-8) a length field whose value is the message's
 * length, plus `lengthAdjustment`, plus the field's own length with
 * `lengthIncludesLengthFieldLength`. A value below 0 or over what the field holds is refused.
 *
 * Example: `lengthFieldEncoder({ lengthFieldLength: 2 })('HELLO, WORLD')` gives `00 0c` and the 12 bytes.
 *
 * @param options see {@link LengthFieldEncoderOptions}; the field is 4 bytes, big-endian, by default.
 * @throws RxnetInvalidOptionError for a bad option, at once.
 * @throws RxnetFramingError `ERR_RXNET_UNENCODABLE_FRAME` for a message whose length the field cannot hold.
 * @see LengthFieldDecoder
 */
export function lengthFieldEncoder(options: Partial<LengthFieldEncoderOptions> = {}): (message: Uint8Array | string) => Buffer {
  const { lengthFieldLength, lengthAdjustment, lengthIncludesLengthFieldLength, byteOrder } = resolveFramingOptions(DEFAULTS, options, RULES);
  const max = maxLengthFieldValue(lengthFieldLength);
  return (message) => {
    const length = typeof message === 'string' ? Buffer.byteLength(message, 'utf8') : message.length;
    const value = length + lengthAdjustment + (lengthIncludesLengthFieldLength ? lengthFieldLength : 0);
    if (value < 0 || value > max) {
      throw unencodable(FRAMING_LENGTH_FIELD, length, `its length field would be ${value}, outside the 0-${max} a ${lengthFieldLength}-byte field holds`, max);
    }
    const frame = Buffer.allocUnsafe(lengthFieldLength + length);
    writeLengthField(frame, 0, lengthFieldLength, byteOrder, value);
    if (typeof message === 'string') frame.write(message, lengthFieldLength, 'utf8');
    else frame.set(message, lengthFieldLength);
    return frame;
  };
}
