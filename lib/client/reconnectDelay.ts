import type { Backoff } from '../policies/backoff/Backoff.js';
import { exponentialBackoff } from '../policies/backoff/exponentialBackoff.js';
import { symmetricJitter } from '../policies/backoff/Jitter.js';

/**
 * When to try connecting again, in milliseconds. Every field has a default; together they are
 * gRPC's connection backoff (grpc/doc/connection-backoff.md): 1 s, x1.6, waits capped at 120 s,
 * each spread by ±20 %, never giving up.
 */
export interface ReconnectOptions {
  /** The wait after the first failed attempt. Defaults to 1000 ms (gRPC's INITIAL_BACKOFF). */
  readonly initial: number;
  /** Each wait is the previous one times this. Defaults to 1.6 (gRPC's MULTIPLIER). */
  readonly factor: number;
  /** A cap: a longer wait is cut to this and the schedule goes on. Defaults to 120 000 ms (gRPC's MAX_BACKOFF). */
  readonly cap?: number | undefined;
  /**
   * Spreads each wait `w` over [w(1 - jitter), w(1 + jitter)] (symmetricJitter), so that the
   * sessions of many clients that lost a server together do not come back together. 0 gives
   * the exact schedule. Defaults to 0.2 (gRPC's JITTER).
   */
  readonly jitter?: number | undefined;
  /** Numbers in [0, 1) for the jitter (a seeded one in tests). Defaults to `Math.random`. */
  readonly random?: (() => number) | undefined;
  /**
   * Give up rather than wait longer than this (the seed client's rule), deciding on the wait
   * before jitter. Defaults to never: like gRPC's channels, a client goes on reconnecting.
   */
  readonly max?: number | undefined;
  /** Give up after this many failed attempts in a row. Defaults to no limit. */
  readonly maxAttempts?: number | undefined;
  /** Give up rather than go on trying past this many ms since the first attempt. Defaults to no limit. */
  readonly maxElapsed?: number | undefined;
}

/** The reconnect defaults: gRPC's connection backoff (1 s, x1.6, cap 120 s, jitter 0.2), never giving up. */
export const RECONNECT_DEFAULTS = Object.freeze({ initial: 1000, factor: 1.6, cap: 120_000, jitter: 0.2 }) satisfies ReconnectOptions;

/** The jitter and random source of a schedule, as exponentialBackoff takes them (none for jitter 0). */
function spread(options: ReconnectOptions): { jitter?: ReturnType<typeof symmetricJitter>; random?: () => number } {
  const jitter = options.jitter ?? RECONNECT_DEFAULTS.jitter;
  if (jitter === 0) return {};
  return { jitter: symmetricJitter(jitter), ...(options.random === undefined ? {} : { random: options.random }) };
}

/**
 * The reconnect schedule as a {@link Backoff}: `initial * factor^(n - 1)` before the n-th
 * reconnect, cut to `cap`, spread by `jitter`; it ends before the first un-jittered wait above
 * `max` or after `maxAttempts - 1` waits.
 *
 * Example: `[...reconnectBackoff({ initial: 100, factor: 2, max: 2000, jitter: 0 })]` is 100, 200, 400, 800, 1600;
 * `reconnectBackoff(RECONNECT_DEFAULTS)` iterates about 1000, 1600, 2560... up to about 120 000 forever.
 */
export function reconnectBackoff(options: ReconnectOptions): Backoff {
  const { initial, factor, cap = RECONNECT_DEFAULTS.cap, max, maxAttempts } = options;
  return exponentialBackoff({
    initial,
    factor,
    max: cap,
    ...(max === undefined ? {} : { giveUpAbove: max }),
    ...(maxAttempts === undefined ? {} : { maxRetries: maxAttempts - 1 }),
    ...spread(options),
  });
}

/**
 * The wait before replacing a session that ended without answering anything, for the n-th
 * time in a row: the reconnect schedule with the same jitter, capped at `cap` (and at `max`
 * when given), never giving up, so a server that accepts and hangs up is not hammered.
 *
 * Example: `replacementBackoff({ initial: 100, factor: 2, max: 400, jitter: 0 })` iterates 100, 200, 400, 400, 400, ...
 */
export function replacementBackoff(options: ReconnectOptions): Backoff {
  const { initial, factor, cap = RECONNECT_DEFAULTS.cap, max = Infinity } = options;
  return exponentialBackoff({ initial, factor, max: Math.min(cap, max), ...spread(options) });
}

/**
 * The reconnect schedule as a function of the failures so far, drawing its jitter from one
 * {@link reconnectBackoff}: after `failures` failed connection attempts in a row, taking
 * `elapsedMs` since the first, the wait before the next attempt, or `undefined` to give up
 * (see {@link reconnectDelay}).
 *
 * Example: `const next = reconnectDelays(options); next(1, 0)` is about 1000 with the defaults.
 */
export function reconnectDelays(options: ReconnectOptions): (failures: number, elapsedMs: number) => number | undefined {
  const backoff = reconnectBackoff(options);
  return (failures, elapsedMs) => {
    const wait = backoff.delay(failures, undefined);
    if (wait === undefined) return undefined;
    if (options.maxElapsed !== undefined && elapsedMs + wait > options.maxElapsed) return undefined;
    return wait;
  };
}

/**
 * The reconnect schedule as a function: after `failures` failed connection attempts in a
 * row, taking `elapsedMs` since the first, the wait before the next attempt, or `undefined` to
 * give up. The wait is {@link reconnectBackoff}'s `initial * factor^(failures - 1)`, cut to
 * `cap` and jittered; it gives up when the un-jittered wait exceeds `max`, when `maxAttempts`
 * attempts have failed, or when the next attempt would start after `maxElapsed`. Pure when
 * `jitter` is 0.
 *
 * Example: with `{ initial: 100, factor: 2, max: 2000, jitter: 0 }` failures 1..5 wait 100,
 * 200, 400, 800, 1600 and the 6th failure gives up: 6 attempts, at 0, 100, 300, 700, 1500 and 3100 ms.
 *
 * @see reconnectBackoff, reconnectDelays
 */
export function reconnectDelay(failures: number, elapsedMs: number, options: ReconnectOptions): number | undefined {
  return reconnectDelays(options)(failures, elapsedMs);
}
