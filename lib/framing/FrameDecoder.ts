import type { RxnetFramingError } from '../errors.js';

/**
 * What every framing's decoder is: pure and synchronous, fed a byte stream chunk by chunk, giving
 * back the frames each chunk completes. Chunk boundaries never change the frames: any split of the
 * same bytes gives the same frames, in the same order. One decoder serves one stream (or one
 * datagram: push it, then end); it holds at most its framing's maximum of unfinished bytes.
 *
 * A decoder that meets bytes no later byte can repair (a bad length field, a stream that ends
 * inside a frame) does not throw them away with the frames before them: `push()` returns the
 * frames completed before the failure and sets `failure`; every later `push()` or `end()` throws
 * it. `end()` may also throw a failure of its own (a truncated frame). Decoders that cannot fail
 * (line, chunk) leave `failure` undefined.
 *
 * Example:
 * ```ts
 * const decoder: FrameDecoder<Uint8Array> = new FixedLengthDecoder(4);
 * decoder.push(Buffer.from('abcdef'));   // [<61 62 63 64>]
 * decoder.push(Buffer.from('gh'));       // [<65 66 67 68>]
 * decoder.end();                         // []
 * ```
 *
 * @see framed, which turns a decoder into an RxJS operator
 */
export interface FrameDecoder<F> {
  /** Feeds one chunk; returns the frames it completes, in order. Throws `failure` once failed. */
  push(chunk: Uint8Array): F[];
  /** Ends the stream: returns what the pending bytes still make, if anything. Throws `failure` once failed. */
  end(): F[];
  /** The failure met by the last `push()`, after the frames it returned; undefined while all is well. */
  readonly failure?: RxnetFramingError | undefined;
  /** The bytes held for the unfinished frame, bounded by the framing's maximum (rxnet's decoders all have it). */
  readonly bufferedBytes?: number;
}
