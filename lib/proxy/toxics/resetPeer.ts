import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { connectionReset } from './connectionReset.js';
import { checkNonNegative, type ToxicEnvironment } from './ToxicOptions.js';

/** Options of {@link resetPeer}: toxiproxy's `reset_peer` attribute. */
export interface ResetPeerOptions extends Pick<ToxicEnvironment, 'scheduler'> {
  /** Milliseconds from the first data (or the peer's FIN) to the reset. Defaults to 0 (at once). */
  readonly timeout?: number;
}

/**
 * Resets the connection: once data arrives (or the source completes), it waits `timeout` ms and
 * errors with {@link connectionReset} (`code` ERR_RXNET_CONNECTION, `info.syscallCode`
 * ECONNRESET), which the proxy turns into a TCP RST on both sides. Data is dropped.
 *
 * ```
 * ---a--b----       timeout 3
 * ------#           (# = connectionReset('reset_peer'))
 * ```
 *
 * Example: `clientToServer$.pipe(resetPeer({ timeout: 500 }))`
 *
 * @param options.timeout defaults to 0.
 * @see timeout
 */
export function resetPeer<T>(options: ResetPeerOptions = {}): MonoTypeOperatorFunction<T> {
  const ms = options.timeout ?? 0;
  checkNonNegative('timeout', ms);
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<T>((subscriber) => {
      let armed: Subscription | undefined;
      const arm = (): void => {
        armed ??= scheduler.schedule(() => subscriber.error(connectionReset('reset_peer')), ms);
      };
      const subscription = source.subscribe({ next: arm, complete: arm, error: (err: unknown) => subscriber.error(err) });
      return () => {
        subscription.unsubscribe();
        armed?.unsubscribe();
      };
    });
}
