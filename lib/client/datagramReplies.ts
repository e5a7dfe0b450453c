import { of } from 'rxjs';
import type { Codec } from '../codec/Codec.js';

/**
 * The replies one datagram carries: it is decoded by a fresh decoder of `codec` (so a frame never
 * spans datagrams), and each frame that `reply` takes is one; a datagram the codec cannot decode
 * (it ends inside a frame) carries none, as a stray one. Internal to the UDP requesters.
 *
 * Example: `datagramReplies(Buffer.from('200,2\n'), chunkCodec(), (frame) => frame)` is `['200,2']`.
 */
export function datagramReplies<F, Rep>(data: Uint8Array, codec: Pick<Codec<F, unknown>, 'decode'>, reply: (frame: F) => Rep | undefined): Rep[] {
  const replies: Rep[] = [];
  of(data)
    .pipe(codec.decode)
    .subscribe({
      next: (frame) => {
        const taken = reply(frame);
        if (taken !== undefined) replies.push(taken);
      },
      error: () => {}, // undecodable: ignored, like any datagram that is no reply
    });
  return replies;
}
