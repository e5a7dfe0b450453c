import type { CalcOutcome, CalcRequest, Operator } from './types.js';

/**
 * Applies one operator with IEEE double arithmetic (a switch: one call site, no table of closures,
 * so the server's per-request step stays monomorphic). The result may be non-finite.
 *
 * Example: `operate('^', 2, 10)` is `1024`; `operate('/', 1, 0)` is `Infinity`.
 */
export function operate(op: Operator, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
  }
}

/**
 * Evaluates a request with IEEE double arithmetic. A non-finite result (`/,1,0`, overflow,
 * `%,1,0`, `^,-8,0.5`) is a failure, never `Infinity` or `NaN`.
 *
 * Example: `evaluateRequest({ op: '^', a: 2, b: 10 })` gives `{ ok: true, value: 1024 }`.
 *
 * @see parseRequest, encodeOutcome
 */
export function evaluateRequest(request: CalcRequest): CalcOutcome {
  const value = operate(request.op, request.a, request.b);
  if (Number.isFinite(value)) return { ok: true, value };
  return { ok: false, reason: `${request.a} ${request.op} ${request.b} has no finite result` };
}
