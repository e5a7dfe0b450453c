import { Observable, type Subscription } from 'rxjs';
import { BulkheadRejectedError } from '../errors.js';
import { checkOption, isIntegerAtLeast } from './checkOption.js';

/** Options of {@link bulkhead}. */
export interface BulkheadOptions {
  /** The most requests running at once, an integer of at least 1. */
  readonly limit: number;
  /** The most requests waiting for a slot, in order of arrival. Defaults to 0: refuse at once. */
  readonly queue?: number;
}

/** A bulkhead: an operator to apply to every request of one client, with its current counts. */
export interface Bulkhead {
  /** Applies the bulkhead to one request (`request$.pipe(limiter)`). */
  <T>(source: Observable<T>): Observable<T>;
  /** How many requests hold a slot now. */
  readonly running: number;
  /** How many wait for one. */
  readonly queued: number;
}

/**
 * Limits how many requests run at once (cockatiel's BulkheadPolicy as an RxJS operator). A
 * request holds a slot from its subscription until it completes, errors or is unsubscribed;
 * while `limit` slots are taken, up to `queue` more requests wait in order (subscribed to
 * nothing yet) and the rest error at once with a BulkheadRejectedError. A waiting request that
 * is unsubscribed leaves the queue.
 *
 * ```
 * requests:  a(--x|)  b(--y|)  c(--z|)   all subscribed at frame 0; limit 1, queue 1
 * result:    a: --x|   b: ----y|   c: #   b waits for a's slot; c is refused
 * ```
 *
 * Example:
 * ```ts
 * const limited = bulkhead({ limit: 4, queue: 16 });
 * const answer$ = request$.pipe(backoffRetry({ backoff }), breaker, limited);
 * ```
 *
 * @throws RxnetInvalidOptionError for a bad limit or queue, at once.
 * @see BulkheadRejectedError, circuitBreaker, docs/policies.md
 */
export function bulkhead(options: BulkheadOptions): Bulkhead {
  const { limit, queue = 0 } = options;
  checkOption('limit', limit, isIntegerAtLeast(limit, 1), 'an integer of at least 1');
  checkOption('queue', queue, isIntegerAtLeast(queue, 0) || queue === Infinity, 'an integer of at least 0');
  let running = 0;
  // A Set keeps the order of arrival and takes a request out in O(1) when it gives up waiting.
  const waiting = new Set<() => void>();
  let draining = false;

  /** Starts waiting requests while slots are free; a loop, not a recursion, when they end at once. */
  const drain = (): void => {
    if (draining) return;
    draining = true;
    try {
      for (const start of waiting) {
        if (running >= limit) break;
        waiting.delete(start);
        start();
      }
    } finally {
      draining = false;
    }
  };

  const operator = <T>(source: Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      let holding = false;
      let inner: Subscription | undefined;
      const release = (): void => {
        if (!holding) return;
        holding = false;
        running -= 1;
        drain();
      };
      const start = (): void => {
        holding = true;
        running += 1;
        inner = source.subscribe({
          next: (value) => subscriber.next(value),
          // Free the slot first, so the next request in line starts before this outcome is seen.
          error: (err: unknown) => {
            release();
            subscriber.error(err);
          },
          complete: () => {
            release();
            subscriber.complete();
          },
        });
      };

      if (running < limit && waiting.size === 0) start();
      else if (waiting.size < queue) waiting.add(start);
      else {
        subscriber.error(new BulkheadRejectedError({ limit, queue }));
        return undefined;
      }
      return () => {
        waiting.delete(start);
        inner?.unsubscribe();
        release();
      };
    });

  return Object.defineProperties(operator, {
    running: { get: () => running, enumerable: true },
    queued: { get: () => waiting.size, enumerable: true },
  }) as Bulkhead;
}
