import { DEFAULT_MAX_LINE_LENGTH, overlong, type Frame } from './Frame.js';
import { asBuffer } from './asBuffer.js';
import type { FrameDecoder } from './FrameDecoder.js';
import type { FrameSink } from './FrameSink.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into `\n`-terminated lines (a `\r` before the `\n` is removed), correct
 * across chunk boundaries. A line longer than `maxLineLength` bytes yields one overlong frame as
 * soon as the limit is passed, and its remaining bytes are discarded as they arrive: memory per
 * decoder stays below `maxLineLength + 1` bytes whatever the peer sends.
 *
 * Example:
 * ```ts
 * const decoder = new LineDecoder(1024);
 * decoder.push(Buffer.from('+,1,1\n*,2'));  // ['+,1,1']
 * decoder.push(Buffer.from(',3\n'));        // ['*,2,3']
 * decoder.end();                            // [] (a pending partial line would be yielded here)
 * ```
 */
export class LineDecoder implements FrameDecoder<Frame> {
  /** Bytes of the current, unfinished line (copied, so no chunk is kept alive). */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** True while discarding the rest of an overlong line. */
  private discarding = false;

  /** @param maxLineLength the longest line accepted, in bytes, without its terminator. Defaults to 4096. */
  constructor(readonly maxLineLength: number = DEFAULT_MAX_LINE_LENGTH) {}

  /** The bytes held for the unfinished line: never over `maxLineLength + 1` (a `\r` may precede the `\n`). */
  get bufferedBytes(): number {
    return this.pendingLength;
  }

  /** Feeds one chunk; returns the frames it completes, in order. */
  push(chunk: Uint8Array): Frame[] {
    const out: Frame[] = [];
    const buffer = asBuffer(chunk);
    if (this.isWholeLines(buffer)) {
      this.decodeLines(buffer, 0, buffer.length - 1, intoArray(out));
      return out;
    }
    let start = 0;
    const first = buffer.indexOf(LF);
    if (first !== -1) {
      if (this.pendingLength > 0 || this.discarding) {
        this.completeLine(buffer, 0, first, out);
        start = first + 1;
      }
      const last = buffer.lastIndexOf(LF);
      if (last >= start) {
        this.decodeLines(buffer, start, last, intoArray(out));
        start = last + 1;
      }
    }
    if (start < buffer.length) this.keep(buffer, start, out);
    return out;
  }

  /**
   * Feeds one chunk as `push` does, handing the frames it completes to `sink` one at a time
   * instead of returning an array: the same frames, in the same order, for any split of the
   * input. Once `sink.frame` returns false, the chunk's later lines are skipped (but a tail
   * without its `\n` is still kept). The common read (whole lines, nothing pending) is one
   * pass over its text with no array at all: the fused server path of serveTcp.
   *
   * Example: `decoder.pushTo(chunk, { frame: (line) => (replies.push(answer(line)), true) })`
   */
  pushTo(chunk: Uint8Array, sink: FrameSink<Frame>): void {
    const buffer = asBuffer(chunk);
    if (this.isWholeLines(buffer)) this.decodeLines(buffer, 0, buffer.length - 1, sink);
    else for (const frame of this.push(buffer)) if (!sink.frame(frame)) return;
  }

  /** Ends the stream: yields a final line that had no terminator, if any. */
  end(): Frame[] {
    const wasDiscarding = this.discarding;
    const rest = this.takePending();
    this.discarding = false;
    if (wasDiscarding || rest === undefined) return [];
    return [this.decode(rest, 0, rest.length)];
  }

  /**
   * The whole lines of `buffer[start, last]` (`last` is a `\n`), decoded as one string: a `\n`
   * byte never occurs inside a UTF-8 sequence, so the span decodes to the lines' own texts joined
   * by `\n`. When the text has one character per byte (ASCII, the common case) its offsets are
   * byte offsets and the lines are sliced from it; otherwise each line is decoded alone.
   */
  private decodeLines(buffer: Buffer, start: number, last: number, sink: FrameSink<Frame>): void {
    const text = buffer.toString('utf8', start, last);
    if (text.length !== last - start) {
      for (let newline = buffer.indexOf(LF, start); newline !== -1 && newline <= last; newline = buffer.indexOf(LF, start)) {
        if (!sink.frame(this.decode(buffer, start, newline))) return;
        start = newline + 1;
      }
      return;
    }
    const max = this.maxLineLength;
    let from = 0;
    for (;;) {
      const newline = text.indexOf('\n', from);
      const end = newline === -1 ? text.length : newline;
      const stop = end > from && text.charCodeAt(end - 1) === CR ? end - 1 : end;
      if (!sink.frame(stop - from > max ? overlong(max) : text.slice(from, stop)) || newline === -1) return;
      from = newline + 1;
    }
  }

  /** The common read: whole lines, nothing pending (no search for the first and last LF needed). */
  private isWholeLines(buffer: Buffer): boolean {
    return this.pendingLength === 0 && !this.discarding && buffer.length > 0 && buffer[buffer.length - 1] === LF;
  }

  private completeLine(buffer: Buffer, start: number, end: number, out: Frame[]): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    if (this.pendingLength === 0) {
      out.push(this.decode(buffer, start, end));
      return;
    }
    this.pending.push(buffer.subarray(start, end));
    this.pendingLength += end - start;
    const line = this.takePending() as Buffer;
    out.push(this.decode(line, 0, line.length));
  }

  /** Keeps the unfinished tail of a chunk, or starts discarding once the line is too long. */
  private keep(buffer: Buffer, start: number, out: Frame[]): void {
    if (this.discarding) return;
    const length = this.pendingLength + buffer.length - start;
    // One byte of slack: the line may still end in "\r\n", and the "\r" is not counted.
    if (length > this.maxLineLength + 1) {
      this.takePending();
      this.discarding = true;
      out.push(overlong(this.maxLineLength));
      return;
    }
    this.pending.push(Buffer.from(buffer.subarray(start)));
    this.pendingLength = length;
  }

  private takePending(): Buffer | undefined {
    if (this.pending.length === 0) return undefined;
    const line = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingLength);
    this.pending = [];
    this.pendingLength = 0;
    return line;
  }

  private decode(buffer: Buffer, start: number, end: number): Frame {
    const stop = end > start && buffer[end - 1] === CR ? end - 1 : end;
    if (stop - start > this.maxLineLength) return overlong(this.maxLineLength);
    return buffer.toString('utf8', start, stop);
  }
}

/** A sink that keeps every frame in `out`, for push. */
function intoArray(out: Frame[]): FrameSink<Frame> {
  return { frame: (frame) => (out.push(frame), true) };
}
