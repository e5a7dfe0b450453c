import { map, type OperatorFunction } from 'rxjs';
import { encodeOutcome } from '../protocol/encodeOutcome.js';
import type { CalcOutcome } from '../protocol/types.js';

/**
 * Encodes each outcome as reply text without a terminator: `200,RESULT` or `300,-1`.
 *
 * ```
 * --{ok 2}--{!ok}--|   ->   --'200,2'--'300,-1'--|
 * ```
 *
 * Example: `lines$.pipe(parse(), evaluate(), randomDrop(0.5), encode())`
 *
 * @see parse, evaluate
 */
export function encode(): OperatorFunction<CalcOutcome, string> {
  return map(encodeOutcome);
}
