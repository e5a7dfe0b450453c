import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { checkNonNegative } from './ToxicOptions.js';

/** Options of {@link limitData}: toxiproxy's `limit_data` attribute. */
export interface LimitDataOptions {
  /** How many bytes pass before the stream completes (the connection closes). Defaults to 0. */
  readonly bytes?: number;
  /**
   * The count of bytes already passed, shared by successive pipelines of one connection (the
   * proxy keeps it when toxics change). Defaults to a fresh `{ transmitted: 0 }`.
   */
  readonly state?: { transmitted: number };
}

/**
 * Passes `bytes` bytes, cutting the chunk that crosses the limit, then completes (the proxy
 * closes the connection). With `bytes` 0 the first chunk closes it.
 *
 * ```
 * a = "hello", b = "world", bytes 7
 * --a--b--c--|   ->   --a--(w|)       (w = "wo")
 * ```
 *
 * Example: `serverToClient$.pipe(limitData({ bytes: 1024 }))`
 *
 * @param options.bytes defaults to 0.
 * @see datagramLimitData
 */
export function limitData(options: LimitDataOptions = {}): MonoTypeOperatorFunction<Buffer> {
  const limit = options.bytes ?? 0;
  checkNonNegative('bytes', limit);
  return (source) =>
    new Observable<Buffer>((subscriber) => {
      const state = options.state ?? { transmitted: 0 };
      if (limit > 0 && state.transmitted >= limit) {
        subscriber.complete();
        return undefined;
      }
      return source.subscribe({
        next: (chunk) => {
          const room = Math.max(0, limit - state.transmitted);
          const out = chunk.length > room ? chunk.subarray(0, room) : chunk;
          state.transmitted += out.length;
          if (out.length > 0) subscriber.next(out);
          if (state.transmitted >= limit) subscriber.complete();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
