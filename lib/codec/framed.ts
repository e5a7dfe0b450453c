import { Observable, type OperatorFunction } from 'rxjs';
import type { FrameDecoder } from '../framing/FrameDecoder.js';

/**
 * Turns a pure decoder into an RxJS operator: each subscription gets a decoder of its own from
 * `createDecoder` (a decoder holds the unfinished frame of one stream), feeds it every chunk and
 * emits the frames in order; when the source completes, the decoder is ended and what it yields
 * is emitted before completing. A decoder failure (a bad length field, a truncated frame) is an
 * error notification after the frames before it; a source error passes through, discarding an
 * unfinished frame. Unsubscribing stops at once.
 *
 * ```
 * --[02 'h']--['i' 01]--['!']--|   ->   -------'hi'--------'!'--|
 *   (a 1-byte length, then the body)
 * ```
 *
 * Example: `connection.data$.pipe(framed(() => new LengthFieldDecoder({ initialBytesToStrip: 4 })))`
 *
 * @param createDecoder makes the decoder of one subscription.
 * @see Codec, which pairs it with an encoder
 */
export function framed<F>(createDecoder: () => FrameDecoder<F>): OperatorFunction<Uint8Array, F> {
  return (source) =>
    new Observable<F>((subscriber) => {
      const decoder = createDecoder();
      /** Runs one decoder call and emits its frames; false once the subscriber is done. */
      const run = (call: () => F[]): boolean => {
        let frames: F[];
        try {
          frames = call();
        } catch (err: unknown) {
          subscriber.error(err);
          return false;
        }
        for (const frame of frames) {
          if (subscriber.closed) return false;
          subscriber.next(frame);
        }
        if (decoder.failure !== undefined) {
          subscriber.error(decoder.failure);
          return false;
        }
        return !subscriber.closed;
      };
      return source.subscribe({
        next: (chunk) => {
          if (!subscriber.closed) run(() => decoder.push(chunk));
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          if (run(() => decoder.end())) subscriber.complete();
        },
      });
    });
}
