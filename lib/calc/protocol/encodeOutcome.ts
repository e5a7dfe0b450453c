import { CODE_ERROR, CODE_OK, type CalcOutcome } from './types.js';

/**
 * Formats a result as the shortest decimal that round-trips (`String(n)`), with `-0` as `0`.
 *
 * Example: `formatNumber(0.1 + 0.2)` gives `'0.30000000000000004'`; `formatNumber(-0)` gives `'0'`.
 */
export function formatNumber(value: number): string {
  // A template converts with NumberToString directly (String() goes through the generic ToString first).
  return value === 0 ? '0' : `${value}`;
}

/** The reply to any invalid request or arithmetic error. */
export const ERROR_REPLY = `${CODE_ERROR},-1`;

/**
 * Encodes an outcome as reply text without a terminator: `200,RESULT` or `300,-1`.
 *
 * Example: `encodeOutcome({ ok: true, value: 2 })` gives `'200,2'`.
 *
 * @see parseRequest, evaluateRequest
 */
export function encodeOutcome(outcome: CalcOutcome): string {
  return outcome.ok ? `${CODE_OK},${formatNumber(outcome.value)}` : ERROR_REPLY;
}
