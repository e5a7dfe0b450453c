import { ERR_RXNET_FRAME_TRUNCATED, RxnetFramingError } from '../errors.js';
import type { FramingName } from './FramingName.js';

/**
 * The error of a stream (or datagram) that ended inside a frame. Internal to the decoders.
 *
 * Example: `truncatedFrame('fixed-length', 3, 8, '5 bytes short of its 8')` has the message
 * `The stream ended inside a frame, after 3 bytes, 5 bytes short of its 8 (fixed-length framing)`.
 *
 * @param held the bytes of the frame that had arrived.
 * @param limit what it needed (the frame's length, or the end of its length field).
 * @param what how far it was from complete, in words.
 */
export function truncatedFrame(framing: FramingName, held: number, limit: number, what = `${limit - held} bytes short of its ${limit}`): RxnetFramingError {
  return new RxnetFramingError(ERR_RXNET_FRAME_TRUNCATED, `The stream ended inside a frame, after ${held} bytes, ${what} (${framing} framing)`, {
    framing,
    length: held,
    limit,
  });
}
