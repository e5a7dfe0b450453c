import { backoffDelay } from '../../timing/backoffDelay.js';
import { checkOption, isIntegerAtLeast, isNonNegativeNumber, isPositiveNumber } from '../checkOption.js';
import { backoffOf, type Backoff } from './Backoff.js';
import { symmetricJitter, type Jitter } from './Jitter.js';

/** Options of {@link exponentialBackoff}, times in milliseconds. */
export interface ExponentialBackoffOptions {
  /** The first wait. */
  readonly initial: number;
  /** Each wait is the previous one times this, at least 1. Defaults to 2. */
  readonly factor?: number;
  /** A cap: a longer wait is cut to this and the schedule goes on (gRPC's MAX_BACKOFF). Defaults to no cap. */
  readonly max?: number;
  /** Give up before the first wait that would exceed this (the seed client's `--expb` rule); 0 gives no wait at all. Defaults to never. */
  readonly giveUpAbove?: number;
  /** Give up after this many waits. Defaults to no limit. */
  readonly maxRetries?: number;
  /** Spreads each wait after the cap (fullJitter, symmetricJitter(0.2), ...). Defaults to none: exact waits. */
  readonly jitter?: Jitter;
  /** Numbers in [0, 1) for the jitter. Defaults to `Math.random`. */
  readonly random?: () => number;
}

/**
 * gRPC's connection backoff (grpc/doc/connection-backoff.md): 1 s, times 1.6, capped at 120 s,
 * each wait spread by ±20 %. The reconnect default of a client that many others share a server
 * with, so that after a restart they do not all come back at the same instant. gRPC's
 * pseudo-code leaves the first wait unjittered; this jitters it too, since the first reconnect
 * after a restart is the one clients would otherwise make in lockstep.
 *
 * Example: `exponentialBackoff(GRPC_CONNECTION_BACKOFF)`, or `{ ...GRPC_CONNECTION_BACKOFF, random }` in a test.
 */
export const GRPC_CONNECTION_BACKOFF: ExponentialBackoffOptions = Object.freeze({
  initial: 1000,
  factor: 1.6,
  max: 120_000,
  jitter: symmetricJitter(0.2),
});

/**
 * Exponential backoff: retry `n` waits `initial * factor^(n-1)`, cut to `max`, then spread by
 * `jitter`. The schedule gives up before the first un-jittered wait above `giveUpAbove`, or
 * after `maxRetries` waits. The un-jittered part is {@link backoffDelay}, the seed's rule.
 *
 * ```
 * { initial: 100, giveUpAbove: 2000 }            100, 200, 400, 800, 1600, (end)
 * { initial: 100, max: 400 }                     100, 200, 400, 400, 400, ...
 * { initial: 100, max: 400, jitter: fullJitter } [0,100), [0,200), [0,400), [0,400), ...
 * ```
 *
 * Example: `exponentialBackoff({ initial: 100, giveUpAbove: 2000 })`: as timeouts laid end to
 * end, the seed's sends at 0, 100, 300, 700 and 1500 ms and its give-up at 3100 ms.
 *
 * @throws RxnetInvalidOptionError for a bad option: `Invalid factor "0.5" (expected a number of at least 1)`.
 * @see GRPC_CONNECTION_BACKOFF, constantBackoff, decorrelatedJitterBackoff, fullJitter
 */
export function exponentialBackoff(options: ExponentialBackoffOptions): Backoff {
  const { initial, factor = 2, max = Infinity, giveUpAbove = Infinity, maxRetries = Infinity, jitter, random = Math.random } = options;
  checkOption('initial', initial, isPositiveNumber(initial), 'a finite number of milliseconds greater than 0');
  checkOption('factor', factor, typeof factor === 'number' && Number.isFinite(factor) && factor >= 1, 'a number of at least 1');
  checkOption('max', max, max === Infinity || isPositiveNumber(max), 'a number of milliseconds greater than 0');
  checkOption('giveUpAbove', giveUpAbove, giveUpAbove === Infinity || isNonNegativeNumber(giveUpAbove), 'a number of milliseconds of at least 0');
  checkOption('maxRetries', maxRetries, maxRetries === Infinity || isIntegerAtLeast(maxRetries, 0), 'an integer of at least 0');
  checkOption('jitter', jitter, jitter === undefined || typeof jitter === 'function', 'a jitter function (fullJitter, symmetricJitter(0.2)...)');
  checkOption('random', random, typeof random === 'function', 'a function returning numbers in [0, 1)');
  return backoffOf((attempt) => {
    const wait = backoffDelay(attempt, { initial, factor, max: giveUpAbove });
    if (wait === undefined) return undefined;
    const capped = Math.min(wait, max);
    return jitter === undefined ? capped : jitter(capped, random);
  }, maxRetries);
}
