import type { Backoff } from '../policies/backoff/Backoff.js';
import { exponentialBackoff } from '../policies/backoff/exponentialBackoff.js';

/** When to try connecting again, in milliseconds. */
export interface ReconnectOptions {
  /** The wait after the first failed attempt. Defaults to 100 ms. */
  readonly initial: number;
  /** Each wait is the previous one times this. Defaults to 2. */
  readonly factor: number;
  /** The longest wait: give up rather than wait longer. Defaults to 2000 ms. */
  readonly max: number;
  /** Give up after this many failed attempts in a row. Defaults to no limit but `max`'s. */
  readonly maxAttempts?: number | undefined;
  /** Give up rather than go on trying past this many ms since the first attempt. Defaults to no limit but `max`'s. */
  readonly maxElapsed?: number | undefined;
}

/**
 * The reconnect schedule as a {@link Backoff}: `initial * factor^(n - 1)` before the n-th
 * reconnect, ending before the first wait above `max` or after `maxAttempts - 1` waits.
 *
 * Example: `[...reconnectBackoff({ initial: 100, factor: 2, max: 2000 })]` is 100, 200, 400, 800, 1600.
 */
export function reconnectBackoff(options: ReconnectOptions): Backoff {
  const { initial, factor, max, maxAttempts } = options;
  return exponentialBackoff({ initial, factor, giveUpAbove: max, maxRetries: maxAttempts === undefined ? Infinity : maxAttempts - 1 });
}

/**
 * The reconnect schedule as a pure function: after `failures` failed connection attempts in a
 * row, taking `elapsedMs` since the first, the wait before the next attempt, or `undefined` to
 * give up. The wait is {@link reconnectBackoff}'s `initial * factor^(failures - 1)`; it gives up
 * when that exceeds `max`, when `maxAttempts` attempts have failed, or when the next attempt
 * would start after `maxElapsed`.
 *
 * Example: with `{ initial: 100, factor: 2, max: 2000 }` failures 1..5 wait 100, 200, 400, 800,
 * 1600 and the 6th failure gives up: 6 attempts, at 0, 100, 300, 700, 1500 and 3100 ms.
 *
 * @see reconnectBackoff
 */
export function reconnectDelay(failures: number, elapsedMs: number, options: ReconnectOptions): number | undefined {
  const wait = reconnectBackoff(options).delay(failures, undefined);
  if (wait === undefined) return undefined;
  if (options.maxElapsed !== undefined && elapsedMs + wait > options.maxElapsed) return undefined;
  return wait;
}
