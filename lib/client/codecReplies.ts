import { Observable } from 'rxjs';
import type { Codec } from '../codec/Codec.js';
import type { ReplyReader } from './ReplyReader.js';

/**
 * A {@link ReplyReader} over any codec: each chunk's bytes go through `codec.decode`, and the
 * frames that chunk completes come out as one array. Frames the decoder yields only when the
 * stream ends (an unterminated last line or delimited frame) are discarded, never taken: the
 * server may have been cut off in the middle of them; a frame truncated by the end is likewise
 * no error, just the end. A decoder failure before the end (a bad length field) errors the
 * replies with its RxnetFramingError, after the frames before it.
 *
 * ```
 * --[00 02 'h' 'i' 00]--[01 '!']--|   ->   --['hi']--['!']--|     (lengthFieldCodec({ lengthFieldLength: 2 }))
 * ```
 *
 * Example: `createTcpClient({ port: 9000, codec: lengthFieldCodec() })` frames its replies with it.
 *
 * @see ReplyReader, TcpSession
 */
export function codecReplies<F>(codec: Pick<Codec<F, unknown>, 'decode'>): ReplyReader<F> {
  return {
    frames: () => (source) =>
      new Observable<readonly F[]>((subscriber) => {
        let batch: F[] = [];
        let ended = false;
        const flush = (): void => {
          if (batch.length === 0) return;
          const frames = batch;
          batch = [];
          subscriber.next(frames);
        };
        // Each chunk is decoded synchronously: once it is handed on, its frames are all in `batch`.
        const fed = new Observable<Uint8Array>((decoder) =>
          source.subscribe({
            next: (chunk) => {
              decoder.next(chunk);
              flush();
            },
            error: (err: unknown) => decoder.error(err),
            complete: () => {
              ended = true;
              decoder.complete();
            },
          }),
        );
        return fed.pipe(codec.decode).subscribe({
          next: (frame) => {
            if (!ended) batch.push(frame);
          },
          error: (err: unknown) => {
            flush();
            if (ended) subscriber.complete();
            else subscriber.error(err);
          },
          complete: () => subscriber.complete(),
        });
      }),
  };
}
