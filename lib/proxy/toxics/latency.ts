import { asyncScheduler, type MonoTypeOperatorFunction } from 'rxjs';
import { checkNonNegative, spreadOf, type ToxicEnvironment } from './ToxicOptions.js';
import { timedQueue } from './timedQueue.js';

/** Options of {@link latency}: toxiproxy's `latency` attributes. */
export interface LatencyOptions extends ToxicEnvironment {
  /** Milliseconds added to every value. Defaults to 0. */
  readonly latency?: number;
  /** Each value's delay is `latency` plus a whole number in [-jitter, jitter). Defaults to 0. */
  readonly jitter?: number;
}

/**
 * Delays every value by `latency` +/- `jitter` ms from its arrival, keeping their order (a
 * value never overtakes the one before it: a byte stream stays a byte stream). Completion
 * follows the last value; an error passes at once.
 *
 * ```
 * --a--b-----|        latency 3
 * -----a--b--|
 * ```
 *
 * Example: `clientToServer$.pipe(latency({ latency: 100, jitter: 20 }))`
 *
 * @param options.latency defaults to 0; options.jitter defaults to 0.
 * @see datagramLatency for datagrams, each delayed on its own.
 */
export function latency<T>(options: LatencyOptions = {}): MonoTypeOperatorFunction<T> {
  const delayOf = latencyDelay(options);
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    timedQueue(source, scheduler, (value, start, arrival) => {
      const at = Math.max(start, arrival + delayOf());
      return { pieces: [{ at, value }], next: at };
    });
}

/**
 * Checks latency options and returns the roll of one delay in ms (never below 0). Internal to
 * the latency toxics.
 *
 * Example: `latencyDelay({ latency: 100, jitter: 20 })()` is a whole number in [80, 120).
 */
export function latencyDelay(options: LatencyOptions): () => number {
  const delay = options.latency ?? 0;
  const jitter = options.jitter ?? 0;
  checkNonNegative('latency', delay);
  checkNonNegative('jitter', jitter);
  const random = options.random ?? Math.random;
  return () => Math.max(0, delay + spreadOf(jitter, random));
}
