import { formatNumber } from './encodeOutcome.js';
import type { CalcRequest } from './types.js';

/**
 * Encodes a request as wire text without a terminator.
 *
 * Example: `encodeRequest({ op: '+', a: 1, b: 1 })` gives `'+,1,1'`.
 */
export function encodeRequest(request: CalcRequest): string {
  return `${request.op},${formatNumber(request.a)},${formatNumber(request.b)}`;
}
