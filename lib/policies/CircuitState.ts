/** Requests pass; the breaker counts their failures. */
export const CIRCUIT_CLOSED = 'closed';
/** Requests fail at once with a BrokenCircuitError until `halfOpenAfter` has passed. */
export const CIRCUIT_OPEN = 'open';
/** One trial request passes; its success closes the circuit, its failure opens it again. */
export const CIRCUIT_HALF_OPEN = 'half-open';

/**
 * The state of a circuit breaker.
 *
 * ```
 * closed --(the breaker trips)--> open --(halfOpenAfter, then a request)--> half-open
 * half-open --(the trial succeeds)--> closed      half-open --(the trial fails)--> open
 * ```
 */
export type CircuitState = typeof CIRCUIT_CLOSED | typeof CIRCUIT_OPEN | typeof CIRCUIT_HALF_OPEN;
