import { REQUEST_LINE, requestFieldsSchema } from './requestSchema.js';
import type { CalcFailure, CalcRequest, Operator, ParsedRequest } from './types.js';

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
  const request = matchRequest(line);
  return request === undefined ? rejection(line) : { ok: true, request };
}

/**
 * The fast path of {@link parseRequest}: requestSchema's own pattern and finiteness rule without
 * zod's machinery, and no failure value (zod runs only to explain a rejection, when asked).
 *
 * Example: `matchRequest('+,1,2')` gives `{ op: '+', a: 1, b: 2 }`; `matchRequest('x')` undefined.
 */
export function matchRequest(line: string): CalcRequest | undefined {
  const match = REQUEST_LINE.exec(line);
  if (match === null) return undefined;
  const a = Number(match[2]);
  const b = Number(match[3]);
  // The pattern's first group is one of OPERATORS.
  return Number.isFinite(a) && Number.isFinite(b) ? { op: match[1] as Operator, a, b } : undefined;
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
