/**
 * The wait before retry `attempt` (1 is the first retry), in ms, given the wait before it
 * (`undefined` before the first); `undefined` means "give up". Pure but for the random draws of
 * a jittered schedule.
 */
export type BackoffDelay = (attempt: number, previous: number | undefined) => number | undefined;

/**
 * A backoff schedule as one value: an iterable of waits in milliseconds. Every iteration starts
 * over at the first wait, which is how a schedule resets after a success: take a fresh iterator.
 * A finite schedule ends where its owner gives up; `delay` is the same schedule as a function.
 *
 * ```
 * exponentialBackoff({ initial: 100, giveUpAbove: 2000 })   100, 200, 400, 800, 1600, (end)
 * exponentialBackoff({ initial: 1000, factor: 1.6, max: 120_000, jitter: symmetricJitter(0.2) })
 *                                                           1000±20%, 1600±20%, ... 120000±20%, ...
 * ```
 *
 * Example:
 * ```ts
 * const backoff = exponentialBackoff({ initial: 100, giveUpAbove: 2000 });
 * let waits = backoff[Symbol.iterator]();   // a failure: const next = waits.next()
 * waits = backoff[Symbol.iterator]();       // a success: start over
 * ```
 *
 * @see exponentialBackoff, constantBackoff, decorrelatedJitterBackoff, backoffRetry
 */
export interface Backoff extends Iterable<number> {
  /** The schedule as a function: the wait before retry `attempt` after `previous`, or `undefined` to give up. */
  readonly delay: BackoffDelay;
}

/**
 * Makes a {@link Backoff} of a delay function, ending after `maxRetries` waits at the latest.
 * Each iteration calls `delay(1, undefined)`, `delay(2, first)`, ... until it gives `undefined`.
 *
 * Example: `backoffOf(() => 50, 3)` iterates 50, 50, 50.
 *
 * @param maxRetries the most waits, so the most retries. Defaults to no limit but the delay's own.
 */
export function backoffOf(delay: BackoffDelay, maxRetries = Infinity): Backoff {
  const limited: BackoffDelay = maxRetries === Infinity ? delay : (attempt, previous) => (attempt > maxRetries ? undefined : delay(attempt, previous));
  return {
    delay: limited,
    *[Symbol.iterator](): Iterator<number> {
      let previous: number | undefined;
      for (let attempt = 1; ; attempt += 1) {
        const wait = limited(attempt, previous);
        if (wait === undefined) return;
        yield wait;
        previous = wait;
      }
    },
  };
}
