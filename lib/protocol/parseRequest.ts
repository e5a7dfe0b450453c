import { REQUEST_LINE, requestFieldsSchema } from './requestSchema.js';
import type { CalcFailure, Operator, ParsedRequest } from './types.js';

/**
 * Parses one request line (`OP,A,B`, terminator already removed) into a typed value.
 * Never throws: an invalid line is a value with a one-line `reason` (worked out only when read,
 * since a server only needs it for logs).
 *
 * Example: `parseRequest('*,6,7')` gives `{ ok: true, request: { op: '*', a: 6, b: 7 } }`;
 * `parseRequest('x')` gives `{ ok: false, reason: 'expected three fields OP,A,B' }`.
 *
 * @see evaluateRequest, encodeOutcome
 */
export function parseRequest(line: string): ParsedRequest {
  // The fast path: requestSchema's own pattern and finiteness rule, without zod's machinery
  // (the same result; zod runs only to explain a rejection, and only when asked).
  const match = REQUEST_LINE.exec(line);
  if (match !== null) {
    const a = Number(match[2]);
    const b = Number(match[3]);
    // The pattern's first group is one of OPERATORS.
    if (Number.isFinite(a) && Number.isFinite(b)) return { ok: true, request: { op: match[1] as Operator, a, b } };
  }
  return rejection(line);
}

function rejection(line: string): CalcFailure {
  let reason: string | undefined;
  return {
    ok: false,
    get reason(): string {
      reason ??= explain(line);
      return reason;
    },
  };
}

function explain(line: string): string {
  const result = requestFieldsSchema.safeParse(line);
  if (result.success) return 'number is out of the range of a double';
  return result.error.issues
    .map((issue) => (issue.path.length > 0 ? `field ${Number(issue.path[0]) + 1}: ${issue.message}` : issue.message))
    .join('; ');
}
