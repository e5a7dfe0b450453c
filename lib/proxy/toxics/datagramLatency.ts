import { asyncScheduler, map, mergeMap, timer, type MonoTypeOperatorFunction } from 'rxjs';
import { latencyDelay, type LatencyOptions } from './latency.js';

/**
 * Delays each datagram by `latency` +/- `jitter` ms on its own, as a network would: with
 * jitter, a later datagram may overtake an earlier one (netem's delay). Completion waits for
 * the last one; an error passes at once.
 *
 * ```
 * --a-b------|       latency 3; a's jitter +2, b's -1
 * ----b--a---|
 * ```
 *
 * Example: `datagrams$.pipe(datagramLatency({ latency: 50, jitter: 10 }))`
 *
 * @param options.latency defaults to 0; options.jitter defaults to 0.
 * @see latency for byte streams, where order is kept.
 */
export function datagramLatency<T>(options: LatencyOptions = {}): MonoTypeOperatorFunction<T> {
  const delayOf = latencyDelay(options);
  const scheduler = options.scheduler ?? asyncScheduler;
  return mergeMap((value: T) => {
    const ms = delayOf();
    return ms === 0 ? [value] : timer(ms, scheduler).pipe(map(() => value));
  });
}

