import { ERROR_REPLY, formatNumber } from './encodeOutcome.js';
import { operate } from './evaluateRequest.js';
import { REQUEST_LINE } from './requestSchema.js';
import { CODE_OK, type Operator } from './types.js';

const OK_PREFIX = `${CODE_OK},`;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * The reply text (no terminator) to one request line, exactly
 * `encodeOutcome(evaluateRequest(...))` of what `parseRequest` gives, or {@link ERROR_REPLY}: the
 * same compiled pattern (REQUEST_LINE, only tested: no match array), the same finiteness rules,
 * the same arithmetic (`operate`) and number format. The pattern has already checked the fields,
 * so they are taken at its two commas: `Number` ignores the spaces and tabs around an operand as
 * the pattern does, and the operator is the first character that is not one. The fused step of
 * calcPipeline runs it once per request; spec/protocol/answerRequestLine.spec.ts checks it
 * against the three functions.
 *
 * Example: `answerRequestLine('*, 6, 7')` is `'200,42'`; `answerRequestLine('/,1,0')` is `'300,-1'`.
 */
export function answerRequestLine(line: string): string {
  if (!REQUEST_LINE.test(line)) return ERROR_REPLY;
  const first = line.indexOf(',');
  const second = line.indexOf(',', first + 1);
  // Unary plus is Number() for a string, without the Number constructor's BigInt step.
  const a = +line.slice(first + 1, second);
  const b = +line.slice(second + 1);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return ERROR_REPLY;
  let at = 0;
  while (line.charCodeAt(at) === SPACE || line.charCodeAt(at) === TAB) at += 1;
  // The pattern's first field is one of OPERATORS.
  const value = operate(line[at] as Operator, a, b);
  return Number.isFinite(value) ? OK_PREFIX + formatNumber(value) : ERROR_REPLY;
}
