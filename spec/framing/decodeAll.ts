import type { FrameDecoder } from '../../lib/framing/FrameDecoder.js';

/** Feeds every chunk, then ends the stream; returns every frame in order (a failure throws). */
export function decodeAll<F>(decoder: FrameDecoder<F>, chunks: readonly Uint8Array[]): F[] {
  const frames: F[] = [];
  for (const chunk of chunks) {
    frames.push(...decoder.push(chunk));
    if (decoder.failure !== undefined) throw decoder.failure;
  }
  frames.push(...decoder.end());
  return frames;
}

/** Bytes from numbers and strings: `bytes(0x00, 0x0c, 'HELLO, WORLD')`. */
export function bytes(...parts: ReadonlyArray<number | string>): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.of(part))));
}

/** Frames as text, for readable assertions. */
export function texts(frames: readonly unknown[]): unknown[] {
  return frames.map((frame) => (frame instanceof Uint8Array ? Buffer.from(frame).toString('latin1') : frame));
}

/** Cuts `stream` at `points` (each taken modulo its length + 1, sorted; repeats give empty chunks). */
export function cutAt(stream: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = points.map((point) => point % (stream.length + 1)).sort((x, y) => x - y);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const offset of [...at, stream.length]) {
    chunks.push(stream.subarray(start, offset));
    start = offset;
  }
  return chunks;
}
