import { asyncScheduler, type MonoTypeOperatorFunction } from 'rxjs';
import type { BandwidthOptions } from './bandwidth.js';
import { checkNonNegative } from './ToxicOptions.js';
import { timedQueue } from './timedQueue.js';

/**
 * Limits datagrams to `rate` KB/s (bytes per ms): a datagram of n bytes goes out n / rate ms
 * after the one before it let go (or after it came, if the link was idle). A datagram is never
 * cut. Completion waits for the queue.
 *
 * ```
 * a, b = 3 bytes each, rate 1
 * -(ab)-----|   ->   ---a--b|
 * ```
 *
 * Example: `datagrams$.pipe(datagramBandwidth({ rate: 10 }))` (10 KB/s)
 *
 * @param options.rate defaults to 0 (no limit).
 * @see bandwidth for byte streams.
 */
export function datagramBandwidth(options: BandwidthOptions = {}): MonoTypeOperatorFunction<Buffer> {
  const rate = options.rate ?? 0;
  checkNonNegative('rate', rate);
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    timedQueue(source, scheduler, (datagram, start) => {
      const at = rate > 0 ? start + datagram.length / rate : start;
      return { pieces: [{ at, value: datagram }], next: at };
    });
}
