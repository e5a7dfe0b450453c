import { asyncScheduler, concat, ignoreElements, timer, type MonoTypeOperatorFunction } from 'rxjs';
import { checkNonNegative, type ToxicEnvironment } from './ToxicOptions.js';

/** Options of {@link slowClose}: toxiproxy's `slow_close` attribute. */
export interface SlowCloseOptions extends Pick<ToxicEnvironment, 'scheduler'> {
  /** Milliseconds to wait, once the source completes, before completing. Defaults to 0. */
  readonly delay?: number;
}

/**
 * Passes every value at once and delays the close: the completion comes `delay` ms after the
 * source's (the peer's FIN is held back).
 *
 * ```
 * --a--b--|          delay 3
 * --a--b-----|
 * ```
 *
 * Example: `serverToClient$.pipe(slowClose({ delay: 500 }))`
 *
 * @param options.delay defaults to 0.
 * @see timeout
 */
export function slowClose<T>(options: SlowCloseOptions = {}): MonoTypeOperatorFunction<T> {
  const delay = options.delay ?? 0;
  checkNonNegative('delay', delay);
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) => concat(source, timer(delay, scheduler).pipe(ignoreElements()));
}
