import { asyncScheduler, type MonoTypeOperatorFunction } from 'rxjs';
import { checkNonNegative, spreadOf, type ToxicEnvironment } from './ToxicOptions.js';
import { timedQueue } from './timedQueue.js';

/** Options of {@link slicer}: toxiproxy's `slicer` attributes (camelCase). */
export interface SlicerOptions extends ToxicEnvironment {
  /** The average size of a slice in bytes; at least 1. Defaults to 1. */
  readonly averageSize?: number;
  /** Slices vary by a whole number of bytes in [-sizeVariation, sizeVariation). Defaults to 0. */
  readonly sizeVariation?: number;
  /** Microseconds (µs, as toxiproxy) to wait after each slice. Defaults to 0. */
  readonly delay?: number;
}

/**
 * Where to cut `size` bytes: toxiproxy's recursive halving, so slices vary evenly with no
 * tendency to a small first or last one. Returns the slice lengths, in order.
 *
 * Example: `sliceLengths(100, 25, 0, Math.random)` is `[25, 25, 25, 25]`.
 */
export function sliceLengths(size: number, averageSize: number, sizeVariation: number, random: () => number): number[] {
  const average = Math.max(1, averageSize);
  const lengths: number[] = [];
  const cut = (start: number, end: number): void => {
    if (end - start - average <= sizeVariation) {
      lengths.push(end - start);
      return;
    }
    const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + spreadOf(sizeVariation, random)));
    cut(start, mid);
    cut(mid, end);
  };
  cut(0, size);
  return lengths;
}

/**
 * Cuts each chunk into slices of about `averageSize` bytes, letting one go every `delay` µs
 * (the first at once); the next chunk starts `delay` after the last slice of this one.
 *
 * ```
 * a = 4 bytes, averageSize 1, delay 2000 µs
 * a------|   ->   w-x-y-z-|
 * ```
 *
 * Example: `serverToClient$.pipe(slicer({ averageSize: 10, sizeVariation: 5, delay: 1000 }))`
 *
 * @param options.averageSize defaults to 1; options.sizeVariation and options.delay default to 0.
 * @see bandwidth
 */
export function slicer(options: SlicerOptions = {}): MonoTypeOperatorFunction<Buffer> {
  const averageSize = options.averageSize ?? 1;
  const sizeVariation = options.sizeVariation ?? 0;
  const delayMs = (options.delay ?? 0) / 1000;
  checkNonNegative('average_size', averageSize);
  checkNonNegative('size_variation', sizeVariation);
  checkNonNegative('delay', delayMs);
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  return (source) =>
    timedQueue(source, scheduler, (chunk, start) => {
      let offset = 0;
      let at = start;
      const pieces = sliceLengths(chunk.length, averageSize, sizeVariation, random).map((length, i) => {
        at = start + i * delayMs;
        const value = chunk.subarray(offset, offset + length);
        offset += length;
        return { at, value };
      });
      return { pieces, next: at + delayMs };
    });
}
