import type { Buffer } from 'node:buffer';
import type { RxnetFramingError } from '../errors.js';
import { asBuffer } from './asBuffer.js';
import { ByteQueue } from './ByteQueue.js';
import type { FrameDecoder } from './FrameDecoder.js';
import { FRAMING_FIXED_LENGTH } from './FramingName.js';
import { byteLengthFrom, resolveFramingOptions } from './resolveFramingOptions.js';
import { truncatedFrame } from './truncatedFrame.js';

/**
 * Splits a byte stream into frames of `frameLength` bytes each (Netty's `FixedLengthFrameDecoder`).
 * Every frame is a Buffer of its own. A stream that ends inside a frame is a failure
 * (`ERR_RXNET_FRAME_TRUNCATED`, thrown by `end()`), where Netty drops the bytes silently. Memory
 * stays below `frameLength` bytes.
 *
 * Example:
 * ```ts
 * const decoder = new FixedLengthDecoder(3);
 * decoder.push(Buffer.from('ABCDEFG'));  // [<'ABC'>, <'DEF'>]
 * decoder.push(Buffer.from('HI'));       // [<'GHI'>]
 * decoder.end();                         // []
 * ```
 *
 * @param frameLength the length of every frame, in bytes (at least 1).
 * @throws RxnetInvalidOptionError for a `frameLength` that is not a positive integer.
 * @see fixedLengthEncoder
 */
export class FixedLengthDecoder implements FrameDecoder<Buffer> {
  readonly frameLength: number;
  private readonly pending = new ByteQueue();
  private failed: RxnetFramingError | undefined;

  constructor(frameLength: number) {
    this.frameLength = resolveFramingOptions({ frameLength }, {}, { frameLength: byteLengthFrom(1) }).frameLength;
  }

  /** The failure that ended the stream (a truncated last frame), set by `end()`. */
  get failure(): RxnetFramingError | undefined {
    return this.failed;
  }

  /** The bytes held for the unfinished frame: below `frameLength`. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** Feeds one chunk; returns the frames it completes, in order. */
  push(chunk: Uint8Array): Buffer[] {
    if (this.failed !== undefined) throw this.failed;
    const bytes = asBuffer(chunk);
    const out: Buffer[] = [];
    let start = 0;
    while (this.pending.length + bytes.length - start >= this.frameLength) {
      const used = this.frameLength - this.pending.length;
      out.push(this.pending.drainWith(bytes.subarray(start, start + used), 0, this.frameLength));
      start += used;
    }
    this.pending.append(bytes.subarray(start));
    return out;
  }

  /** Ends the stream: yields nothing, or throws when it ended inside a frame. */
  end(): Buffer[] {
    if (this.failed !== undefined) throw this.failed;
    const held = this.pending.length;
    if (held === 0) return [];
    this.pending.clear();
    this.failed = truncatedFrame(FRAMING_FIXED_LENGTH, held, this.frameLength);
    throw this.failed;
  }
}
