import { withJitter } from '../../timing/backoffDelay.js';
import { checkOption } from '../checkOption.js';

/**
 * Spreads one wait at random so that clients that failed together do not retry together.
 * `random` gives numbers in [0, 1). Each jitter's bounds are part of its contract (and tested).
 */
export type Jitter = (wait: number, random: () => number) => number;

/** Checks a jitter fraction: a number from 0 to 1. */
function checkFraction(fraction: number): void {
  checkOption('jitter', fraction, typeof fraction === 'number' && fraction >= 0 && fraction <= 1, 'a number from 0 to 1');
}

/**
 * Full jitter (AWS's "Exponential Backoff And Jitter"): a wait `w` becomes a number in [0, w).
 * Spreads the most, and so may retry at once; gRPC's retry policy (gRFC A6) draws its retry
 * waits this way.
 *
 * Example: `fullJitter(1000, () => 0.25)` is 250.
 *
 * @see symmetricJitter, proportionalJitter
 */
export const fullJitter: Jitter = (wait, random) => wait * random();

/**
 * Symmetric jitter (gRPC's connection backoff): a wait `w` becomes a number in
 * [w * (1 - fraction), w * (1 + fraction)]. Keeps the mean, so a schedule keeps its pace.
 *
 * Example: `symmetricJitter(0.2)(1000, () => 0)` is 800; with `() => 0.5` it is 1000.
 *
 * @param fraction in [0, 1]. gRPC uses 0.2.
 * @throws RxnetInvalidOptionError for a fraction outside [0, 1].
 * @see fullJitter, proportionalJitter
 */
export function symmetricJitter(fraction: number): Jitter {
  checkFraction(fraction);
  return (wait, random) => wait * (1 + fraction * (2 * random() - 1));
}

/**
 * Proportional jitter: a wait `w` becomes a number in [w * (1 - fraction), w], never longer than
 * the schedule says (the jitter of {@link withJitter} and of the calc client's retry policy,
 * whose waits are timeouts that must not grow).
 *
 * Example: `proportionalJitter(0.5)(1000, () => 0.5)` is 750.
 *
 * @param fraction in [0, 1].
 * @throws RxnetInvalidOptionError for a fraction outside [0, 1].
 * @see fullJitter, symmetricJitter
 */
export function proportionalJitter(fraction: number): Jitter {
  checkFraction(fraction);
  return (wait, random) => withJitter(wait, fraction, random);
}
