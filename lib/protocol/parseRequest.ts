import { requestSchema } from './requestSchema.js';
import type { ParsedRequest } from './types.js';

/**
 * Parses one request line (`OP,A,B`, terminator already removed) into a typed value.
 * Never throws: an invalid line is a value with a one-line `reason`.
 *
 * Example: `parseRequest('*,6,7')` gives `{ ok: true, request: { op: '*', a: 6, b: 7 } }`;
 * `parseRequest('x')` gives `{ ok: false, reason: '...' }`.
 *
 * @see evaluateRequest, encodeOutcome
 */
export function parseRequest(line: string): ParsedRequest {
  const result = requestSchema.safeParse(line);
  if (result.success) return { ok: true, request: result.data };
  const reason = result.error.issues
    .map((issue) => (issue.path.length > 0 ? `field ${Number(issue.path[0]) + 1}: ${issue.message}` : issue.message))
    .join('; ');
  return { ok: false, reason };
}
