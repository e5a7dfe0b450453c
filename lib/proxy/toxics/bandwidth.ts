import { asyncScheduler, type MonoTypeOperatorFunction } from 'rxjs';
import { checkNonNegative, type ToxicEnvironment } from './ToxicOptions.js';
import { timedQueue } from './timedQueue.js';

/** Options of {@link bandwidth}: toxiproxy's `bandwidth` attribute. */
export interface BandwidthOptions extends ToxicEnvironment {
  /** KB/s (1 KB = 1000 bytes, so also bytes per ms); 0 means no limit. Defaults to 0. */
  readonly rate?: number;
}

/** How long toxiproxy's bandwidth toxic waits between the pieces of a big chunk. */
export const BANDWIDTH_SLICE_MS = 100;

/**
 * Limits a byte stream to `rate` KB/s: a chunk of n bytes is let go n / rate ms after the one
 * before it (idle time earns no credit). A chunk bigger than 100 ms' worth is cut in pieces of
 * `rate * 100` bytes, one every 100 ms, as toxiproxy does.
 *
 * ```
 * a = 250 bytes, rate 1 (1 byte/ms)
 * a-------------------------|   ->   100ms x 200ms y 250ms z|     (x, y: 100 bytes; z: 50)
 * ```
 *
 * Example: `serverToClient$.pipe(bandwidth({ rate: 100 }))` (100 KB/s)
 *
 * @param options.rate defaults to 0 (no limit).
 * @see datagramBandwidth for datagrams, never cut.
 */
export function bandwidth(options: BandwidthOptions = {}): MonoTypeOperatorFunction<Buffer> {
  const rate = options.rate ?? 0;
  checkNonNegative('rate', rate);
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    timedQueue(source, scheduler, (chunk, start) => {
      if (rate <= 0) return { pieces: [{ at: start, value: chunk }], next: start };
      const sliceBytes = Math.max(1, Math.floor(rate * BANDWIDTH_SLICE_MS));
      const pieces: { at: number; value: Buffer }[] = [];
      let rest = chunk;
      let at = start;
      while (rest.length > sliceBytes) {
        at += BANDWIDTH_SLICE_MS;
        pieces.push({ at, value: rest.subarray(0, sliceBytes) });
        rest = rest.subarray(sliceBytes);
      }
      const end = start + chunk.length / rate;
      pieces.push({ at: Math.max(at, end), value: rest });
      return { pieces, next: Math.max(at, end) };
    });
}
