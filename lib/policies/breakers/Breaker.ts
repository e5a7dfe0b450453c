import type { CircuitState } from '../CircuitState.js';

/**
 * Decides when a circuit opens: the circuit breaker reports every outcome to it. A breaker holds
 * the counts of one circuit; give each circuit breaker its own.
 *
 * Example: `circuitBreaker({ breaker: consecutiveBreaker(5), halfOpenAfter: 10_000 })`
 *
 * @see consecutiveBreaker, countBreaker, samplingBreaker
 */
export interface Breaker {
  /** A request succeeded, in circuit state `state`, at time `now` (ms, the circuit's scheduler). */
  success(state: CircuitState, now: number): void;
  /** A request failed, in state `state`, at time `now`. Returns true when the circuit should open. */
  failure(state: CircuitState, now: number): boolean;
}
