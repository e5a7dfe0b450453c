/** Options of an exponential backoff schedule, in milliseconds. */
export interface BackoffOptions {
  /** The first wait. */
  readonly initial: number;
  /** Each wait is the previous one times this. Defaults to 2. */
  readonly factor?: number;
  /** The longest wait allowed; a schedule ends before the first wait that would exceed it. */
  readonly max: number;
}

/**
 * The exponential backoff schedule as a pure function: the wait for attempt `attempt`
 * (1-based) is `initial * factor^(attempt - 1)`, or `undefined` once that would exceed `max`,
 * which means "give up".
 *
 * Example: with `{ initial: 100, max: 2000 }` attempts 1..5 wait 100, 200, 400, 800, 1600 and
 * attempt 6 gives `undefined` (3200 > 2000): the seed client's `--expb` rule.
 *
 * The policies' `Backoff` value is built on it: `exponentialBackoff({ initial, factor,
 * giveUpAbove: max })` iterates exactly this schedule (lib/policies/backoff/).
 *
 * @see withJitter, exponentialBackoff
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number | undefined {
  const wait = options.initial * (options.factor ?? 2) ** (attempt - 1);
  return wait <= options.max ? wait : undefined;
}

/**
 * Spreads a wait at random over `[wait * (1 - jitter), wait]` so that many clients retrying at
 * once do not retry in lockstep. `jitter` is in [0, 1]; 0 returns `wait` unchanged.
 *
 * Example: `withJitter(1000, 0.5)` is a number in [500, 1000].
 *
 * @see backoffDelay
 */
export function withJitter(wait: number, jitter: number, random: () => number = Math.random): number {
  return wait * (1 - jitter * random());
}
