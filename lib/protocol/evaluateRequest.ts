import type { CalcOutcome, CalcRequest, Operator } from './types.js';

const OPERATIONS: Readonly<Record<Operator, (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '^': (a, b) => a ** b,
};

/**
 * Evaluates a request with IEEE double arithmetic. A non-finite result (`/,1,0`, overflow,
 * `%,1,0`, `^,-8,0.5`) is a failure, never `Infinity` or `NaN`.
 *
 * Example: `evaluateRequest({ op: '^', a: 2, b: 10 })` gives `{ ok: true, value: 1024 }`.
 *
 * @see parseRequest, encodeOutcome
 */
export function evaluateRequest(request: CalcRequest): CalcOutcome {
  const value = OPERATIONS[request.op](request.a, request.b);
  if (Number.isFinite(value)) return { ok: true, value };
  return { ok: false, reason: `${request.a} ${request.op} ${request.b} has no finite result` };
}
