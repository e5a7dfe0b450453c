import { asyncScheduler, ignoreElements, NEVER, takeUntil, timer, type MonoTypeOperatorFunction } from 'rxjs';
import { checkNonNegative, type ToxicEnvironment } from './ToxicOptions.js';

/** Options of {@link timeout}: toxiproxy's `timeout` attribute. */
export interface TimeoutOptions extends Pick<ToxicEnvironment, 'scheduler'> {
  /** Milliseconds until the stream completes (the connection closes); 0 never. Defaults to 0. */
  readonly timeout?: number;
}

/**
 * Lets nothing through, and completes `timeout` ms after subscription (the proxy then closes
 * the connection); with `timeout` 0 it never does, and data is dropped until the toxic is
 * removed. The source completing (the peer's FIN) completes it at once; an error passes.
 *
 * ```
 * --a--b--------      timeout 5
 * -----|
 * --a--|              timeout 0, the peer ends
 * -----|
 * ```
 *
 * Example: `clientToServer$.pipe(timeout({ timeout: 1000 }))`
 *
 * @param options.timeout defaults to 0 (hold forever).
 * @see resetPeer
 */
export function timeout<T>(options: TimeoutOptions = {}): MonoTypeOperatorFunction<T> {
  const ms = options.timeout ?? 0;
  checkNonNegative('timeout', ms);
  const scheduler = options.scheduler ?? asyncScheduler;
  const closeAt = ms > 0 ? timer(ms, scheduler) : NEVER;
  return (source) => source.pipe(ignoreElements(), takeUntil(closeAt));
}
