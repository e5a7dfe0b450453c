import { Buffer } from 'node:buffer';

/** A Buffer view of the same bytes (no copy): decoders read chunks with Buffer's search and number readers. */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
