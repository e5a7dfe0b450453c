import { defer, filter, type MonoTypeOperatorFunction } from 'rxjs';
import { checkProbability } from '../../operators/checkProbability.js';
import type { ToxicEnvironment } from './ToxicOptions.js';

/** Options of {@link packetLoss}: toxiproxy's `packet_loss` attributes (camelCase). */
export interface PacketLossOptions extends Pick<ToxicEnvironment, 'random'> {
  /** The probability that a value is dropped, 0-1. Defaults to 0.1, as toxiproxy. */
  readonly lossRate?: number;
  /** Added to `lossRate` (capped at 1) right after a drop: bursts of loss. Defaults to 0. */
  readonly correlation?: number;
}

/**
 * Drops values at random in bursts, toxiproxy's simplified Gilbert-Elliott model: a value is
 * dropped when its roll is below `lossRate`, or below `lossRate + correlation` when the value
 * before it was dropped. On TCP it drops chunks (the bytes are lost, the stream goes on); on
 * UDP, datagrams.
 *
 * ```
 * random:   0.05 0.3  0.9            lossRate 0.1, correlation 0.5
 * --a--b--c--|   ->   --------c--|   (a: 0.05 < 0.1; b: 0.3 < 0.6; c: 0.9 passes)
 * ```
 *
 * Example: `clientToServer$.pipe(packetLoss({ lossRate: 0.1 }))`
 *
 * @param options.lossRate defaults to 0.1; options.correlation defaults to 0.
 * @see duplicate
 */
export function packetLoss<T>(options: PacketLossOptions = {}): MonoTypeOperatorFunction<T> {
  const lossRate = options.lossRate ?? 0.1;
  const correlation = options.correlation ?? 0;
  checkProbability('loss_rate', lossRate);
  checkProbability('correlation', correlation);
  const random = options.random ?? Math.random;
  return (source) =>
    defer(() => {
      let dropped = false; // per subscription: each connection has its own burst state
      return source.pipe(
        filter(() => {
          dropped = random() < (dropped ? Math.min(1, lossRate + correlation) : lossRate);
          return !dropped;
        }),
      );
    });
}
