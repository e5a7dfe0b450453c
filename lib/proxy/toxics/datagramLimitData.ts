import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { LimitDataOptions } from './limitData.js';
import { checkNonNegative } from './ToxicOptions.js';

/**
 * Passes whole datagrams while they fit in `bytes`; the first that does not completes the
 * stream (the proxy then drops the client's mapping, so later datagrams start a fresh one).
 *
 * ```
 * a, b, c = 3 bytes each, bytes 7
 * --a--b--c--|   ->   --a--b--|
 * ```
 *
 * Example: `datagrams$.pipe(datagramLimitData({ bytes: 1200 }))`
 *
 * @param options.bytes defaults to 0.
 * @see limitData for byte streams, which cuts the last chunk.
 */
export function datagramLimitData(options: LimitDataOptions = {}): MonoTypeOperatorFunction<Buffer> {
  const limit = options.bytes ?? 0;
  checkNonNegative('bytes', limit);
  return (source) =>
    new Observable<Buffer>((subscriber) => {
      const state = options.state ?? { transmitted: 0 };
      return source.subscribe({
        next: (datagram) => {
          if (state.transmitted + datagram.length > limit) return subscriber.complete();
          state.transmitted += datagram.length;
          subscriber.next(datagram);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
