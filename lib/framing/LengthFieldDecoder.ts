import type { Buffer } from 'node:buffer';
import { ERR_RXNET_BAD_LENGTH_FIELD, ERR_RXNET_FRAME_TOO_LONG, RxnetFramingError, RxnetInvalidOptionError } from '../errors.js';
import { asBuffer } from './asBuffer.js';
import { ByteQueue } from './ByteQueue.js';
import type { FrameDecoder } from './FrameDecoder.js';
import { FRAMING_LENGTH_FIELD } from './FramingName.js';
import { readLengthField } from './LengthField.js';
import { LENGTH_FIELD_DEFAULTS, LENGTH_FIELD_RULES, type LengthFieldOptions } from './LengthFieldOptions.js';
import { resolveFramingOptions } from './resolveFramingOptions.js';
import { truncatedFrame } from './truncatedFrame.js';

/**
 * Splits a byte stream by the length field each frame carries, exactly as Netty's
 * `LengthFieldBasedFrameDecoder` computes frames: the frame is `lengthFieldOffset +
 * lengthFieldLength + value + lengthAdjustment` bytes, and `initialBytesToStrip` of them are
 * removed before it is yielded. Every frame is a Buffer of its own.
 *
 * Unlike Netty, which skips an over-long frame and goes on, a length field that is over
 * `maxFrameLength`, negative, or shorter than the header is a failure that ends the stream
 * (`failure`, then thrown by every later call): on a byte stream it is far more often corruption
 * or an attack than a real frame, and the bytes that follow cannot be trusted to be a frame
 * boundary. A stream that ends inside a frame is a failure too. Memory stays below
 * `maxFrameLength` bytes whatever the peer sends.
 *
 * Example (a 2-byte length, then the body; Netty's first javadoc example):
 * ```ts
 * const decoder = new LengthFieldDecoder({ lengthFieldLength: 2, initialBytesToStrip: 2 });
 * decoder.push(Buffer.from([0x00, 0x0c, ...Buffer.from('HELLO, WORLD')]));  // [<'HELLO, WORLD'>]
 * ```
 *
 * @param options see {@link LengthFieldOptions}; every option defaults as Netty's constructors do, `maxFrameLength` to 65536.
 * @throws RxnetInvalidOptionError for a bad option, or `lengthFieldOffset + lengthFieldLength` over `maxFrameLength`.
 * @see lengthFieldEncoder, which prepends the field
 */
export class LengthFieldDecoder implements FrameDecoder<Buffer> {
  readonly options: Readonly<LengthFieldOptions>;
  private failed: RxnetFramingError | undefined;
  /** The bytes up to the end of the length field: what must be read before the frame's length is known. */
  private readonly headerLength: number;
  /** The held bytes of the current frame (from its start). */
  private readonly pending = new ByteQueue();
  /** The current frame's full length, once its field is read; -1 before. */
  private frameLength = -1;
  /** With failFast false: bytes of an over-long frame still to discard, and the failure to report after. */
  private toDiscard = 0;
  private tooLong: RxnetFramingError | undefined;

  constructor(options: Partial<LengthFieldOptions> = {}) {
    this.options = resolveFramingOptions(LENGTH_FIELD_DEFAULTS, options, LENGTH_FIELD_RULES);
    const { maxFrameLength, lengthFieldOffset, lengthFieldLength } = this.options;
    this.headerLength = lengthFieldOffset + lengthFieldLength;
    if (this.headerLength > maxFrameLength) {
      throw new RxnetInvalidOptionError({
        option: 'lengthFieldOffset',
        value: String(lengthFieldOffset),
        expected: `at most maxFrameLength - lengthFieldLength = ${maxFrameLength - lengthFieldLength}`,
      });
    }
  }

  /** The failure that ended the stream: set by `push()` after the frames it returned, or by `end()`. */
  get failure(): RxnetFramingError | undefined {
    return this.failed;
  }

  /** The bytes held for the unfinished frame: never over `maxFrameLength`. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** Feeds one chunk; returns the frames it completes, in order (then `failure` may be set). */
  push(chunk: Uint8Array): Buffer[] {
    if (this.failed !== undefined) throw this.failed;
    const bytes = asBuffer(chunk);
    const out: Buffer[] = [];
    let start = 0;
    if (this.toDiscard > 0) {
      start = Math.min(this.toDiscard, bytes.length);
      this.toDiscard -= start;
      if (this.toDiscard === 0) this.fail(this.tooLong as RxnetFramingError);
      return out;
    }
    for (;;) {
      const available = this.pending.length + bytes.length - start;
      if (this.frameLength === -1) {
        if (available < this.headerLength) break;
        const header = this.pending.length === 0 ? bytes.subarray(start) : this.pending.peekWith(bytes.subarray(start), 0, this.headerLength);
        this.frameLength = this.lengthOf(header, available);
        if (this.frameLength === -1) return out;
      }
      if (available < this.frameLength) break;
      const used = this.frameLength - this.pending.length;
      out.push(this.pending.drainWith(bytes.subarray(start, start + used), this.options.initialBytesToStrip, this.frameLength));
      start += used;
      this.frameLength = -1;
    }
    this.pending.append(bytes.subarray(start));
    return out;
  }

  /** Ends the stream: yields nothing, or throws when it ended inside a frame (`ERR_RXNET_FRAME_TRUNCATED`). */
  end(): Buffer[] {
    if (this.failed !== undefined) throw this.failed;
    if (this.toDiscard > 0) this.fail(this.tooLong as RxnetFramingError);
    const held = this.pending.length;
    if (held > 0) {
      this.fail(
        this.frameLength === -1
          ? truncatedFrame(FRAMING_LENGTH_FIELD, held, this.headerLength, `before the end of its length field at byte ${this.headerLength}`)
          : truncatedFrame(FRAMING_LENGTH_FIELD, held, this.frameLength),
      );
    }
    if (this.failed !== undefined) throw this.failed;
    return [];
  }

  /** The full length of the frame whose header is `header`, or -1 after setting `failure` (or starting to discard). */
  private lengthOf(header: Buffer, available: number): number {
    const { lengthFieldOffset, lengthFieldLength, lengthAdjustment, initialBytesToStrip, byteOrder, maxFrameLength, failFast } = this.options;
    const value = readLengthField(header, lengthFieldOffset, lengthFieldLength, byteOrder);
    const frameLength = value + lengthAdjustment + this.headerLength;
    const bad = (message: string, length: number, limit: number): number =>
      this.fail(new RxnetFramingError(ERR_RXNET_BAD_LENGTH_FIELD, `Bad length field ${value}: ${message} (length-field framing)`, { framing: FRAMING_LENGTH_FIELD, length, limit }));
    if (value < 0) return bad('a length cannot be negative', value, 0);
    if (frameLength < this.headerLength) {
      return bad(`the frame would be ${frameLength} bytes, less than the ${this.headerLength} up to the end of the length field`, frameLength, this.headerLength);
    }
    if (frameLength > maxFrameLength) {
      const error = new RxnetFramingError(ERR_RXNET_FRAME_TOO_LONG, `Frame of ${frameLength} bytes is over the maximum of ${maxFrameLength} (length-field framing)`, {
        framing: FRAMING_LENGTH_FIELD,
        length: frameLength,
        limit: maxFrameLength,
      });
      if (failFast || frameLength <= available) return this.fail(error);
      // Netty's failFast false: read the frame out, then fail.
      this.toDiscard = frameLength - available;
      this.tooLong = error;
      this.pending.clear();
      return -1;
    }
    if (initialBytesToStrip > frameLength) return bad(`the frame would be ${frameLength} bytes, less than initialBytesToStrip ${initialBytesToStrip}`, frameLength, initialBytesToStrip);
    return frameLength;
  }

  /** Sets `failure` and drops every held byte; returns -1 (no frame length). */
  private fail(error: RxnetFramingError): -1 {
    this.failed = error;
    this.pending.clear();
    this.toDiscard = 0;
    this.tooLong = undefined;
    this.frameLength = -1;
    return -1;
  }
}
