import { CIRCUIT_CLOSED, CIRCUIT_HALF_OPEN } from '../CircuitState.js';
import { checkOption, isNonNegativeNumber, isOpenUnitRatio, isPositiveNumber } from '../checkOption.js';
import { WindowedSum } from '../WindowedSum.js';
import type { Breaker } from './Breaker.js';

/** Options of {@link samplingBreaker}. */
export interface SamplingBreakerOptions {
  /** The failure ratio, in (0, 1), above which the circuit opens. */
  readonly threshold: number;
  /** The time window, in ms, over which outcomes count. */
  readonly durationMs: number;
  /**
   * The least throughput, in requests per second over the window, before the circuit may open,
   * so that a few failures under light load do not open it. Defaults to `5 / threshold`
   * (at least 5 failures a second, cockatiel's default).
   */
  readonly minimumRps?: number;
}

/**
 * Opens the circuit when more than `threshold` of the outcomes of the last `durationMs` were
 * failures, once at least `minimumRps * durationMs / 1000` outcomes fall in the window. The
 * window slides in steps of at most one second (at least 5 of them); time is the circuit
 * breaker's scheduler, so a marble test drives it. A trial success (half-open) empties it.
 *
 * ```
 * { threshold: 0.5, durationMs: 1000, minimumRps: 4 }: 3 failures, 1 success in the last second -> open
 * ```
 *
 * Example: `circuitBreaker({ breaker: samplingBreaker({ threshold: 0.2, durationMs: 30_000 }), halfOpenAfter: 10_000 })`
 *
 * @throws RxnetInvalidOptionError for a threshold outside (0, 1), a bad duration or minimumRps.
 * @see consecutiveBreaker, countBreaker
 */
export function samplingBreaker(options: SamplingBreakerOptions): Breaker {
  const { threshold, durationMs, minimumRps = 5 / threshold } = options;
  checkOption('threshold', threshold, isOpenUnitRatio(threshold), 'a number between 0 and 1, both excluded');
  checkOption('durationMs', durationMs, isPositiveNumber(durationMs), 'a finite number of milliseconds greater than 0');
  checkOption('minimumRps', minimumRps, isNonNegativeNumber(minimumRps), 'a number of requests per second of at least 0');
  const slices = Math.max(5, Math.ceil(durationMs / 1000));
  const failures = new WindowedSum(durationMs, slices);
  const outcomes = new WindowedSum(durationMs, slices);
  const minimumCalls = (minimumRps * durationMs) / 1000;

  return {
    success: (state, now) => {
      if (state === CIRCUIT_HALF_OPEN) {
        failures.reset();
        outcomes.reset();
      }
      outcomes.add(1, now);
    },
    failure: (state, now) => {
      failures.add(1, now);
      outcomes.add(1, now);
      if (state !== CIRCUIT_CLOSED) return true;
      const total = outcomes.sum(now);
      return total >= minimumCalls && failures.sum(now) > threshold * total;
    },
  };
}
