import { checkOption, isPositiveNumber } from './checkOption.js';
import type { RetryLimiter } from './RetryLimiter.js';

/** Options of {@link retryThrottle}, gRPC's `retryThrottling`. */
export interface RetryThrottleOptions {
  /** The most tokens, in (0, 1000]; retries stop at half of it. Defaults to 10 (gRFC A6's example). */
  readonly maxTokens?: number;
  /** Tokens a success gives back, greater than 0, kept to 3 decimals. Defaults to 0.1 (gRFC A6's example). */
  readonly tokenRatio?: number;
}

/** A gRPC-style retry throttle: a {@link RetryLimiter} with its current token count. */
export interface RetryThrottle extends RetryLimiter {
  /** The tokens now, from 0 to maxTokens. */
  readonly tokens: number;
}

/** gRPC keeps tokens in thousandths, so that 0.1 added ten times is exactly 1. */
const MILLI = 1000;

/**
 * Retry throttling as gRPC does it (gRFC A6, `retryThrottling`): a token count starts at
 * `maxTokens`; every failed attempt takes 1, every success gives back `tokenRatio`; while the
 * count is at or below `maxTokens / 2`, no retry and no hedged attempt is sent (the first
 * attempt of a request always is). Only failures worth a retry count (not a validation error).
 * Retrying resumes once successes have lifted the count over the half.
 *
 * ```
 * { maxTokens: 4, tokenRatio: 1 }:  tokens 4 -fail-> 3 (retry) -fail-> 2 (no retry: 2 <= 4/2)
 * ```
 *
 * Example:
 * ```ts
 * const throttle = retryThrottle({ maxTokens: 10, tokenRatio: 0.1 });   // once per server
 * const answer$ = request$.pipe(replyTimeout({ ms: 500 }), backoffRetry({ backoff, limiter: throttle }));
 * ```
 *
 * @throws RxnetInvalidOptionError for maxTokens outside (0, 1000] or a tokenRatio that is not greater than 0.
 * @see retryBudget, backoffRetry, hedge
 */
export function retryThrottle(options: RetryThrottleOptions = {}): RetryThrottle {
  const { maxTokens = 10, tokenRatio = 0.1 } = options;
  checkOption('maxTokens', maxTokens, isPositiveNumber(maxTokens) && maxTokens <= 1000, 'a number greater than 0 and at most 1000');
  checkOption('tokenRatio', tokenRatio, isPositiveNumber(tokenRatio), 'a number greater than 0');
  const max = Math.round(maxTokens * MILLI);
  const ratio = Math.trunc(tokenRatio * MILLI);
  const threshold = max / 2;
  let tokens = max;

  return {
    onRequest: () => undefined,
    onSuccess: () => {
      tokens = Math.min(max, tokens + ratio);
    },
    onFailure: () => {
      tokens = Math.max(0, tokens - MILLI);
    },
    tryRetry: () => tokens > threshold,
    get tokens() {
      return tokens / MILLI;
    },
  };
}
