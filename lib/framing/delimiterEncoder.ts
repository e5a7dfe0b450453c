import { Buffer } from 'node:buffer';
import { DELIMITER_RULE } from './DelimiterOptions.js';
import { FRAMING_DELIMITER } from './FramingName.js';
import { resolveFramingOptions } from './resolveFramingOptions.js';
import { unencodable } from './unencodable.js';

/**
 * The encoder of the delimiter framing: returns a function that appends the delimiter to a
 * message (a string is UTF-8). A message the delimiter framing could not give back whole is
 * refused: one holding the delimiter, or ending in the start of it (`a\r\n` before `\r\n\r\n`
 * would end the frame early), so a message can never smuggle in a frame of its own.
 *
 * Example: `delimiterEncoder('\0')('hello')` gives the bytes `hello\0`.
 *
 * @param delimiter the bytes that end a frame; a string is UTF-8.
 * @throws RxnetInvalidOptionError for an empty delimiter, at once.
 * @throws RxnetFramingError `ERR_RXNET_UNENCODABLE_FRAME` for a message the framing cannot carry.
 * @see DelimiterDecoder
 */
export function delimiterEncoder(delimiter: Uint8Array | string): (message: Uint8Array | string) => Buffer {
  resolveFramingOptions({ delimiter }, {}, { delimiter: DELIMITER_RULE });
  const end = typeof delimiter === 'string' ? Buffer.from(delimiter, 'utf8') : Buffer.from(delimiter);
  return (message) => {
    const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    const frame = Buffer.concat([body, end]);
    if (frame.indexOf(end) !== body.length) throw unencodable(FRAMING_DELIMITER, body.length, 'it holds the delimiter, or ends in the start of it, which would end the frame early');
    return frame;
  };
}
