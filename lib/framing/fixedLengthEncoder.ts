import { Buffer } from 'node:buffer';
import { FRAMING_FIXED_LENGTH } from './FramingName.js';
import { byteLengthFrom, resolveFramingOptions } from './resolveFramingOptions.js';
import { unencodable } from './unencodable.js';

/**
 * The encoder of the fixed-length framing: returns a function that checks a message (a string is
 * UTF-8) is exactly `frameLength` bytes and gives its bytes; any other length is refused (the
 * framing has no room for padding rules: pad before encoding).
 *
 * Example: `fixedLengthEncoder(4)('ping')` gives the 4 bytes; `fixedLengthEncoder(4)('pong!')` throws.
 *
 * @param frameLength the length of every frame, in bytes (at least 1).
 * @throws RxnetFramingError `ERR_RXNET_UNENCODABLE_FRAME` for a message of another length.
 * @see FixedLengthDecoder
 */
export function fixedLengthEncoder(frameLength: number): (message: Uint8Array | string) => Uint8Array {
  resolveFramingOptions({ frameLength }, {}, { frameLength: byteLengthFrom(1) });
  return (message) => {
    const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    if (bytes.length !== frameLength) throw unencodable(FRAMING_FIXED_LENGTH, bytes.length, `every frame is exactly ${frameLength} bytes`, frameLength);
    return bytes;
  };
}
