import { Buffer } from 'node:buffer';

/** Small appends are gathered into blocks of this many bytes, so a peer sending a byte at a time costs bytes, not objects. */
const BLOCK_SIZE = 4096;

/**
 * The unfinished bytes a decoder holds between chunks: copies (so no socket read is kept alive
 * by a few bytes of it), joined once, when the frame they belong to is complete. Small appends
 * are packed into shared blocks, so the memory held stays within a small factor of `length`
 * however the bytes were cut. Internal to the binary framings.
 *
 * Example:
 * ```ts
 * const queue = new ByteQueue();
 * queue.append(Buffer.from('ab'));
 * queue.append(Buffer.from('cd'));
 * queue.take(3);   // <61 62 63>, and queue.length is 1
 * ```
 */
export class ByteQueue {
  private pieces: Buffer[] = [];
  /** The block small appends are copied into, how much of it is used, and where its last piece starts. */
  private block: Buffer | undefined;
  private blockUsed = 0;
  private lastStart = -1;
  /** How many bytes are held. */
  length = 0;

  /** Keeps a copy of `bytes`. */
  append(bytes: Uint8Array): void {
    const count = bytes.length;
    if (count === 0) return;
    this.length += count;
    if (count >= BLOCK_SIZE / 2) {
      this.pieces.push(Buffer.from(bytes));
      this.lastStart = -1;
      return;
    }
    if (this.block === undefined || BLOCK_SIZE - this.blockUsed < count) {
      this.block = Buffer.allocUnsafe(BLOCK_SIZE);
      this.blockUsed = 0;
      this.lastStart = -1;
    }
    this.block.set(bytes, this.blockUsed);
    this.blockUsed += count;
    if (this.lastStart === -1) {
      this.lastStart = this.blockUsed - count;
      this.pieces.push(this.block.subarray(this.lastStart, this.blockUsed));
    } else {
      // The last piece ends where this append starts: widen it instead of adding one.
      this.pieces[this.pieces.length - 1] = this.block.subarray(this.lastStart, this.blockUsed);
    }
  }

  /** Copies `count` bytes from `offset` (both within `length`) into a new Buffer, keeping them. */
  peek(offset: number, count: number): Buffer {
    return this.peekInto(Buffer.allocUnsafe(count), offset, count);
  }

  /** Copies `count` held bytes from `offset` to the start of `out`; returns `out`. */
  private peekInto(out: Buffer, offset: number, count: number): Buffer {
    let written = 0;
    let skip = offset;
    for (const piece of this.pieces) {
      if (written === count) break;
      if (skip >= piece.length) {
        skip -= piece.length;
        continue;
      }
      written += piece.copy(out, written, skip, Math.min(piece.length, skip + count - written));
      skip = 0;
    }
    return out;
  }

  /** Removes the first `count` bytes (at most `length`) and returns them in one Buffer of their own. */
  take(count: number): Buffer {
    const out = this.peek(0, count);
    this.skip(count);
    return out;
  }

  /**
   * The bytes from `from` to `to` of what is held followed by `tail`, in a new Buffer, keeping
   * what is held: the bytes of a frame that began in earlier chunks and ends in this one.
   */
  peekWith(tail: Uint8Array, from: number, to: number): Buffer {
    const held = this.length;
    if (from >= held) return Buffer.from(tail.subarray(from - held, to - held));
    const out = this.peekInto(Buffer.allocUnsafe(to - from), from, Math.min(to, held) - from);
    if (to > held) out.set(tail.subarray(0, to - held), held - from);
    return out;
  }

  /** {@link peekWith}, then drops everything held. */
  drainWith(tail: Uint8Array, from: number, to: number): Buffer {
    const out = this.peekWith(tail, from, to);
    this.clear();
    return out;
  }

  /** Drops the first `count` bytes (at most `length`). */
  skip(count: number): void {
    let left = count;
    let whole = 0;
    while (left > 0 && whole < this.pieces.length) {
      const piece = this.pieces[whole] as Buffer;
      if (piece.length > left) {
        this.pieces[whole] = piece.subarray(left);
        break;
      }
      left -= piece.length;
      whole += 1;
    }
    if (whole > 0) this.pieces.splice(0, whole);
    // The last piece may have moved or gone: the next small append starts a piece of its own.
    this.lastStart = -1;
    this.length -= count;
  }

  /** Drops everything. */
  clear(): void {
    this.pieces = [];
    this.block = undefined;
    this.lastStart = -1;
    this.length = 0;
  }
}
