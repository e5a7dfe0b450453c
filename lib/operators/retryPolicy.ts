import { z } from 'zod';
import type { SchedulerLike } from 'rxjs';
import { isTransientError } from '../errors.js';
import { validateOptions } from '../options/validateOptions.js';
import type { Backoff } from '../policies/backoff/Backoff.js';
import { constantBackoff } from '../policies/backoff/constantBackoff.js';
import { exponentialBackoff } from '../policies/backoff/exponentialBackoff.js';
import { proportionalJitter } from '../policies/backoff/Jitter.js';
import { backoffDelay, withJitter } from '../timing/backoffDelay.js';

/**
 * The timeout-and-retry policy of {@link retryWithBackoff}, times in milliseconds. Attempt `n`
 * waits `initial * factor^(n-1)` for an answer; when the next wait would exceed `max`, the policy
 * gives up without another attempt (the seed client's `--expb` rule).
 */
export interface RetryPolicy {
  /** The first wait (the timeout of attempt 1). Defaults to 1000 ms. */
  readonly initial: number;
  /** Each wait is the previous one times this; greater than 1. Defaults to 2. */
  readonly factor: number;
  /** The longest wait allowed, at least `initial`. Defaults to 2000 ms (the seed's 2 s), or to `initial` when that is longer. */
  readonly max: number;
  /** Each wait is shortened at random by up to this fraction, in [0, 1]. Defaults to 0 (exact). */
  readonly jitter: number;
  /** `false`: one attempt that waits `initial`, no retry (the seed client without `--expb`). Defaults to `true`. */
  readonly retry: boolean;
  /** Which errors are worth another attempt. Defaults to {@link isTransientError}. */
  readonly shouldRetry: (err: unknown) => boolean;
  /** Numbers in [0, 1) for the jitter. Defaults to `Math.random`. */
  readonly random: () => number;
  /** Where the waits are scheduled. Defaults to RxJS's `asyncScheduler` (a TestScheduler in marble tests). */
  readonly scheduler: SchedulerLike | undefined;
}

/** The defaults every policy starts from: 1 s, doubling, up to 2 s, no jitter. */
export const RETRY_DEFAULTS: RetryPolicy = Object.freeze({
  initial: 1000,
  factor: 2,
  max: 2000,
  jitter: 0,
  retry: true,
  shouldRetry: isTransientError,
  random: Math.random,
  scheduler: undefined,
});

const allows = (expected: string) => ({ error: expected });
const MS = allows('a finite number of milliseconds greater than 0');
const FACTOR = allows('a number greater than 1');
const JITTER = allows('a number from 0 to 1');
const fn = <T>(expected: string) => z.custom<T>((value) => typeof value === 'function', allows(expected));

const retryPolicySchema = z
  .strictObject({
    initial: z.number(MS).positive(MS).refine(Number.isFinite, MS),
    factor: z.number(FACTOR).gt(1, FACTOR).refine(Number.isFinite, FACTOR),
    max: z.number(MS).positive(MS).refine(Number.isFinite, MS),
    jitter: z.number(JITTER).min(0, JITTER).max(1, JITTER),
    retry: z.boolean(allows('true or false')),
    shouldRetry: fn<(err: unknown) => boolean>('a function (err) => boolean'),
    random: fn<() => number>('a function returning numbers in [0, 1)'),
    scheduler: z
      .custom<SchedulerLike>((value) => typeof (value as SchedulerLike | null)?.schedule === 'function', allows('an RxJS scheduler'))
      .optional(),
  })
  .refine((policy) => policy.max >= policy.initial, { error: 'a number of milliseconds at least initial', path: ['max'] });

/**
 * Merges `options` over {@link RETRY_DEFAULTS} and validates the result once.
 *
 * Example: `resolveRetryPolicy({ initial: 100 }).max` is `2000`.
 *
 * @throws RxnetInvalidOptionError naming the first bad option: `Invalid factor "1" (expected a number greater than 1)`.
 */
export function resolveRetryPolicy(options: Partial<RetryPolicy> = {}): Readonly<RetryPolicy> {
  const defined: Partial<RetryPolicy> = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const merged = { ...RETRY_DEFAULTS, ...defined };
  // A long first wait with no max given is one attempt, not an error.
  if (defined.max === undefined && typeof merged.initial === 'number' && merged.initial > merged.max) merged.max = merged.initial;
  return validateOptions(retryPolicySchema, merged) as Readonly<RetryPolicy>;
}

/**
 * The un-jittered wait of attempt `attempt` (1-based), or `undefined` when the policy gives up
 * before that attempt. Internal to {@link retryWithBackoff}; pure.
 *
 * Example: with `{ initial: 100, max: 2000 }`, attempts 1..5 give 100..1600 and attempt 6 `undefined`.
 */
export function scheduledWait(attempt: number, policy: Readonly<RetryPolicy>): number | undefined {
  if (!policy.retry) return attempt === 1 ? policy.initial : undefined;
  return backoffDelay(attempt, policy);
}

/**
 * The wait of attempt `attempt` with the policy's jitter applied, or `undefined` to give up. Internal.
 *
 * Example: with `{ initial: 100, jitter: 0.5, random: () => 0.5 }` attempt 1 waits 75.
 */
export function jitteredWait(attempt: number, policy: Readonly<RetryPolicy>): number | undefined {
  const wait = scheduledWait(attempt, policy);
  return wait === undefined || policy.jitter === 0 ? wait : withJitter(wait, policy.jitter, policy.random);
}

/**
 * The timeouts of the successive attempts of {@link retryWithBackoff} as a {@link Backoff}:
 * attempt n waits {@link jitteredWait}(n): `initial * factor^(n-1)`, shortened by the jitter,
 * ending before the first un-jittered wait above `max`; with `retry: false`, one wait of
 * `initial`. Internal.
 *
 * Example: with `{ initial: 100, max: 2000 }` it iterates 100, 200, 400, 800, 1600.
 */
export function attemptTimeouts(policy: Readonly<RetryPolicy>): Backoff {
  if (!policy.retry) return constantBackoff(policy.initial, { maxRetries: 1 });
  const { initial, factor, max, jitter, random } = policy;
  return exponentialBackoff({ initial, factor, giveUpAbove: max, random, jitter: jitter === 0 ? undefined : proportionalJitter(jitter) });
}
