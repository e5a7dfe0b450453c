import type { Buffer } from 'node:buffer';
import { oneOf, type OptionRule } from './resolveFramingOptions.js';

/**
 * A length field as bytes and back: 1, 2, 3, 4 or 8 bytes, big or little endian, as Netty's
 * `LengthFieldBasedFrameDecoder` reads them (unsigned, but for 8 bytes: a signed 64-bit value,
 * so a negative one is a bad length field). Internal to the length-field framing.
 */

export const BYTE_ORDER_BIG_ENDIAN = 'big-endian';
export const BYTE_ORDER_LITTLE_ENDIAN = 'little-endian';
/** The byte order of a length field. */
export type ByteOrder = typeof BYTE_ORDER_BIG_ENDIAN | typeof BYTE_ORDER_LITTLE_ENDIAN;

/** The lengths, in bytes, a length field may have. */
export const LENGTH_FIELD_LENGTHS = [1, 2, 3, 4, 8] as const;
export type LengthFieldLength = (typeof LENGTH_FIELD_LENGTHS)[number];

export const BYTE_ORDER_RULE: OptionRule = oneOf([BYTE_ORDER_BIG_ENDIAN, BYTE_ORDER_LITTLE_ENDIAN]);
export const LENGTH_FIELD_LENGTH_RULE: OptionRule = oneOf(LENGTH_FIELD_LENGTHS);

/** The largest value a length field of `length` bytes holds (for 8 bytes, the largest exact JS integer). */
export function maxLengthFieldValue(length: LengthFieldLength): number {
  return length === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * length) - 1;
}

/** Reads the length field of `length` bytes at `offset` of `bytes`. Above 2^53 the value is rounded; an 8-byte field may be negative. */
export function readLengthField(bytes: Buffer, offset: number, length: LengthFieldLength, order: ByteOrder): number {
  const big = order === BYTE_ORDER_BIG_ENDIAN;
  if (length === 8) return Number(big ? bytes.readBigInt64BE(offset) : bytes.readBigInt64LE(offset));
  return big ? bytes.readUIntBE(offset, length) : bytes.readUIntLE(offset, length);
}

/** Writes `value` (0 to {@link maxLengthFieldValue}) as a length field of `length` bytes at `offset`. */
export function writeLengthField(bytes: Buffer, offset: number, length: LengthFieldLength, order: ByteOrder, value: number): void {
  const big = order === BYTE_ORDER_BIG_ENDIAN;
  if (length === 8) {
    if (big) bytes.writeBigInt64BE(BigInt(value), offset);
    else bytes.writeBigInt64LE(BigInt(value), offset);
  } else if (big) bytes.writeUIntBE(value, offset, length);
  else bytes.writeUIntLE(value, offset, length);
}
