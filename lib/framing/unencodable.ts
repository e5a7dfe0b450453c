import { ERR_RXNET_UNENCODABLE_FRAME, RxnetFramingError } from '../errors.js';
import type { FramingName } from './FramingName.js';

/**
 * The error of an encoder handed a message its framing cannot carry. Internal to the encoders.
 *
 * Example: `throw unencodable('line', 7, 'it holds a "\\n", which would end the line early')`
 * has the message `Cannot encode a 7-byte message as a line frame: it holds a "\n", which would end the line early`.
 */
export function unencodable(framing: FramingName, length: number, why: string, limit?: number): RxnetFramingError {
  return new RxnetFramingError(ERR_RXNET_UNENCODABLE_FRAME, `Cannot encode a ${length}-byte message as a ${framing} frame: ${why}`, {
    framing,
    length,
    ...(limit === undefined ? {} : { limit }),
  });
}
