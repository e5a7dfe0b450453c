import { map, type OperatorFunction } from 'rxjs';
import { evaluateRequest } from '../protocol/evaluateRequest.js';
import type { CalcOutcome, ParsedRequest } from '../protocol/types.js';

/**
 * Evaluates each parsed request; a parse failure passes through unchanged, and an arithmetic
 * error (`/,1,0`, overflow) becomes a failure value.
 *
 * ```
 * --{+,1,1}--{!ok}--|   ->   --{ok 2}--{!ok}--|
 * ```
 *
 * Example: `lines$.pipe(parse(), evaluate(), encode())`
 *
 * @see parse, encode
 */
export function evaluate(): OperatorFunction<ParsedRequest, CalcOutcome> {
  return map((parsed) => (parsed.ok ? evaluateRequest(parsed.request) : parsed));
}
