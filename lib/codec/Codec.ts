import type { OperatorFunction } from 'rxjs';

/**
 * A protocol's wire format as one value: how bytes become frames (`decode`, an RxJS operator) and
 * how a message becomes bytes (`encode`). Streams and datagrams take it the same way: a stream's
 * chunks go through `decode` as one observable (`connection.data$.pipe(codec.decode)`), and a
 * datagram through a fresh one that is fed it and completes (`of(datagram).pipe(codec.decode)`),
 * so a frame never spans datagrams and a datagram ending inside a frame is a truncated frame.
 *
 * `F` is what `decode` yields (`string | OverlongFrame` for line and chunk, `Uint8Array` or
 * `Frame<Uint8Array>` for the binary framings); `M` is what `encode` takes. A `decode` that meets
 * bytes no later byte can repair errors with an `RxnetFramingError`, after the frames before them.
 *
 * Example:
 * ```ts
 * const codec = lengthFieldCodec({ lengthFieldLength: 4 });
 * connection.data$.pipe(codec.decode, map((frame) => codec.encode(frame))).subscribe((bytes) => connection.send(bytes));
 * ```
 *
 * @see framed, lineCodec, delimiterCodec, lengthFieldCodec, fixedLengthCodec, chunkCodec
 */
export interface Codec<F, M> {
  /** Bytes to frames; each subscription decodes with a decoder of its own. */
  readonly decode: OperatorFunction<Uint8Array, F>;
  /** One message to the bytes (or text, written as UTF-8) that carry it. Throws `RxnetFramingError` for a message the framing cannot carry. */
  readonly encode: (message: M) => Uint8Array | string;
  /**
   * True when each chunk is one message whole (the chunk codec): a server then hands each read
   * on as it came, never cut into slices for fairness. Defaults to false: frames span reads.
   */
  readonly messagePerChunk?: boolean;
}
