import { Buffer } from 'node:buffer';
import { asBuffer } from './asBuffer.js';
import { ByteQueue } from './ByteQueue.js';
import { overlong, type Frame } from './Frame.js';
import type { FrameDecoder } from './FrameDecoder.js';
import { DELIMITER_DEFAULTS, DELIMITER_RULES, type DelimiterOptions } from './DelimiterOptions.js';
import { resolveFramingOptions } from './resolveFramingOptions.js';

/**
 * Splits a byte stream at a delimiter, any byte sequence (Netty's `DelimiterBasedFrameDecoder`
 * with one delimiter). A frame over `maxFrameLength` bytes (delimiter not counted) yields one
 * overlong frame, and its bytes are discarded as they arrive: the stream resynchronises at the
 * next delimiter, so an over-long frame is a value, never a failure. Unlike Netty, a frame's
 * length never depends on where the chunks were cut (a delimiter split across chunks is found),
 * and an unterminated last frame is yielded by `end()`, as the line framing does. Memory per
 * decoder stays below `maxFrameLength + delimiter.length` bytes whatever the peer sends.
 *
 * Example:
 * ```ts
 * const decoder = new DelimiterDecoder({ delimiter: '\r\n\r\n', maxFrameLength: 8192 });
 * decoder.push(Buffer.from('GET / HTTP/1.1\r\n\r\nGET /a'));  // [<'GET / HTTP/1.1'>]
 * decoder.push(Buffer.from(' HTTP/1.1\r\n\r'));               // []
 * decoder.push(Buffer.from('\n'));                            // [<'GET /a HTTP/1.1'>]
 * ```
 *
 * @param options.delimiter the bytes that end a frame (required).
 * @param options.maxFrameLength the longest frame, in bytes, without its delimiter. Defaults to 65536.
 * @param options.stripDelimiter whether frames come without their delimiter. Defaults to true.
 * @param options.failFast report an over-long frame as soon as it is over (true), or at its delimiter (false). Defaults to true.
 * @see delimiterEncoder, LineDecoder
 */
export class DelimiterDecoder implements FrameDecoder<Frame<Uint8Array>> {
  readonly options: Readonly<DelimiterOptions>;
  private readonly delimiter: Buffer;
  /** The unfinished frame; while discarding, only the last `delimiter.length - 1` bytes (a delimiter may begin there). */
  private readonly pending = new ByteQueue();
  /** True while discarding the rest of an over-long frame. */
  private discarding = false;

  constructor(options: Partial<DelimiterOptions> & Pick<DelimiterOptions, 'delimiter'>) {
    this.options = resolveFramingOptions<DelimiterOptions>({ ...DELIMITER_DEFAULTS, delimiter: '' }, options, DELIMITER_RULES);
    const { delimiter } = this.options;
    this.delimiter = typeof delimiter === 'string' ? Buffer.from(delimiter, 'utf8') : Buffer.from(delimiter);
  }

  /** The bytes held for the unfinished frame: below `maxFrameLength + delimiter.length`. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** Feeds one chunk; returns the frames it completes, in order. */
  push(chunk: Uint8Array): Array<Frame<Uint8Array>> {
    const out: Array<Frame<Uint8Array>> = [];
    const bytes = asBuffer(chunk);
    const width = this.delimiter.length;
    let start = 0;
    const across = this.delimiterAcross(bytes);
    if (across !== -1) {
      this.complete(bytes, 0, across, out);
      start = across;
    }
    for (let found = bytes.indexOf(this.delimiter, start); found !== -1; found = bytes.indexOf(this.delimiter, start)) {
      this.complete(bytes, start, found + width, out);
      start = found + width;
    }
    if (start < bytes.length) this.keep(bytes, start, out);
    return out;
  }

  /** Ends the stream: yields a last frame that had no delimiter, if any. */
  end(): Array<Frame<Uint8Array>> {
    const { maxFrameLength, failFast } = this.options;
    if (this.discarding) {
      this.discarding = false;
      this.pending.clear();
      return failFast ? [] : [overlong(maxFrameLength)];
    }
    const held = this.pending.length;
    if (held === 0) return [];
    const rest = this.pending.take(held);
    return [held > maxFrameLength ? overlong(maxFrameLength) : rest];
  }

  /**
   * Where a delimiter that began in the held bytes ends in `bytes` (the index just past it), or -1.
   * Only the last `delimiter.length - 1` held bytes can start one: any earlier one was found before.
   */
  private delimiterAcross(bytes: Buffer): number {
    const held = this.pending.length;
    const tail = Math.min(held, this.delimiter.length - 1);
    if (tail === 0) return -1;
    const joint = this.pending.peekWith(bytes, held - tail, held + Math.min(bytes.length, this.delimiter.length - 1));
    const at = joint.indexOf(this.delimiter);
    return at !== -1 && at < tail ? at + this.delimiter.length - tail : -1;
  }

  /** Completes the frame made of the held bytes and `bytes[start, end)`, which ends with the delimiter. */
  private complete(bytes: Buffer, start: number, end: number, out: Array<Frame<Uint8Array>>): void {
    const { maxFrameLength, stripDelimiter, failFast } = this.options;
    if (this.discarding) {
      this.discarding = false;
      this.pending.clear();
      if (!failFast) out.push(overlong(maxFrameLength));
      return;
    }
    const withDelimiter = this.pending.length + end - start;
    const length = withDelimiter - this.delimiter.length;
    if (length > maxFrameLength) {
      this.pending.clear();
      out.push(overlong(maxFrameLength));
      return;
    }
    out.push(this.pending.drainWith(bytes.subarray(start, end), 0, stripDelimiter ? length : withDelimiter));
  }

  /** Keeps the unfinished tail of a chunk, or starts discarding once the frame is surely too long. */
  private keep(bytes: Buffer, start: number, out: Array<Frame<Uint8Array>>): void {
    const { maxFrameLength, failFast } = this.options;
    const width = this.delimiter.length;
    if (!this.discarding) {
      // The delimiter may still begin in the last width - 1 bytes: only this many prove the frame too long.
      if (this.pending.length + bytes.length - start < maxFrameLength + width) {
        this.pending.append(bytes.subarray(start));
        return;
      }
      this.discarding = true;
      if (failFast) out.push(overlong(maxFrameLength));
    }
    // Discarding: keep only where a delimiter may begin.
    const keepFromChunk = Math.min(bytes.length - start, width - 1);
    const keepHeld = Math.min(this.pending.length, width - 1 - keepFromChunk);
    this.pending.skip(this.pending.length - keepHeld);
    this.pending.append(bytes.subarray(bytes.length - keepFromChunk));
  }
}
