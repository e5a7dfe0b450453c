import { pipe, tap, type MonoTypeOperatorFunction, type OperatorFunction } from 'rxjs';
import type { Frame } from '../framing/Frame.js';
import type { CalcOutcome } from '../protocol/types.js';
import { encode } from '../operators/encode.js';
import { evaluate } from '../operators/evaluate.js';
import { parse } from '../operators/parse.js';
import { randomCut } from '../operators/randomCut.js';
import { randomDrop } from '../operators/randomDrop.js';
import type { Transport } from './serverOptions.js';
import type { ServerStats } from './ServerStats.js';

/** Options of {@link calcPipeline}. */
export interface CalcPipelineOptions {
  /** The probability, in [0, 1], that a reply is sent. Defaults to 1. */
  readonly success?: number;
  /** Numbers in [0, 1) for the drop rolls. Defaults to `Math.random`. */
  readonly random?: () => number;
  /** On `udp` a lost roll drops that reply; on `tcp` it ends the connection (see randomCut). Defaults to `udp`. */
  readonly transport?: Transport;
  /** Counters to update: `invalid` counts requests answered `300,-1`. */
  readonly stats?: Pick<ServerStats, 'invalid'>;
}

/**
 * The calc server's request pipeline: parse → evaluate → random drop → encode, from framed
 * requests to reply texts (without terminator).
 *
 * ```
 * --'+,1,1'--'/,1,0'--'x'--|   ->   --'200,2'--'300,-1'--'300,-1'--|
 * ```
 *
 * Example: `frames$.pipe(calcPipeline({ success: 0.5 }))`
 *
 * @see parse, evaluate, randomDrop, randomCut, encode
 */
export function calcPipeline(options: CalcPipelineOptions = {}): OperatorFunction<Frame, string> {
  const success = options.success ?? 1;
  const drop: MonoTypeOperatorFunction<CalcOutcome> =
    options.transport === 'tcp' ? randomCut(success, options.random) : randomDrop(success, options.random);
  const stats = options.stats;
  if (stats === undefined) return pipe(parse(), evaluate(), drop, encode());
  const countInvalid = tap((outcome: CalcOutcome) => {
    if (!outcome.ok) stats.invalid += 1;
  });
  return pipe(parse(), evaluate(), countInvalid, drop, encode());
}
