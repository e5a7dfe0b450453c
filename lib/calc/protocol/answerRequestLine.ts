import { ERROR_REPLY, formatNumber } from './encodeOutcome.js';
import { operate } from './evaluateRequest.js';
import { REQUEST_LINE } from './requestSchema.js';
import { CODE_OK, type Operator } from './types.js';

const OK_PREFIX = `${CODE_OK},`;

/**
 * The reply text (no terminator) to one request line, exactly
 * `encodeOutcome(evaluateRequest(...))` of what `parseRequest` gives, or {@link ERROR_REPLY}, in
 * one pass with nothing allocated but the reply: the same pattern, the same finiteness rules, the
 * same arithmetic (`operate`) and number format. The fused step of calcPipeline runs it once per
 * request; spec/protocol/answerRequestLine.spec.ts checks it against the three functions.
 *
 * Example: `answerRequestLine('*, 6, 7')` is `'200,42'`; `answerRequestLine('/,1,0')` is `'300,-1'`.
 */
export function answerRequestLine(line: string): string {
  const match = REQUEST_LINE.exec(line);
  if (match === null) return ERROR_REPLY;
  // Unary plus is Number() for a string, without the Number constructor's BigInt step.
  const a = +(match[2] as string);
  const b = +(match[3] as string);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return ERROR_REPLY;
  // The pattern's first group is one of OPERATORS.
  const value = operate(match[1] as Operator, a, b);
  return Number.isFinite(value) ? OK_PREFIX + formatNumber(value) : ERROR_REPLY;
}
