import { pipe, tap, type MonoTypeOperatorFunction, type OperatorFunction } from 'rxjs';
import type { Frame } from '../framing/Frame.js';
import type { CalcOutcome } from '../protocol/types.js';
import { encode } from '../operators/encode.js';
import { evaluate } from '../operators/evaluate.js';
import { parse } from '../operators/parse.js';
import { randomCut } from '../operators/randomCut.js';
import { randomDrop } from '../operators/randomDrop.js';
import { isStreamTransport, type Transport } from '../transport/Transport.js';
import type { ServerStats } from './ServerStats.js';

/** Options of {@link calcPipeline}. */
export interface CalcPipelineOptions {
  /** The probability, in [0, 1], that a reply is sent. Defaults to 1. */
  readonly success?: number;
  /** Numbers in [0, 1) for the drop rolls. Defaults to `Math.random`. */
  readonly random?: () => number;
  /**
   * Where the replies go; its kind in TRANSPORT_REGISTRY decides what a lost roll does. On a
   * stream (`tcp`, `tls`, `unix`) it ends the connection after the replies before it (randomCut),
   * so a client never takes a later reply for an earlier request; on datagrams (`udp`) it drops
   * that one reply (randomDrop). Defaults to the stream rule, which is safe everywhere: serveUdp
   * runs the pipeline once per datagram, where a cut loses exactly that datagram's reply.
   */
  readonly transport?: Transport;
  /** Counters to update: `invalid` counts requests answered `300,-1`. */
  readonly stats?: Pick<ServerStats, 'invalid'>;
}

/**
 * The calc server's request pipeline: parse → evaluate → random loss → encode, from framed
 * requests to reply texts (without terminator). The loss follows the transport's kind: a cut on
 * a stream, a drop on datagrams (see `transport`).
 *
 * ```
 * --'+,1,1'--'/,1,0'--'x'--|   ->   --'200,2'--'300,-1'--'300,-1'--|
 * ```
 *
 * Example: `frames$.pipe(calcPipeline({ transport: 'unix', success: 0.5 }))`
 *
 * @see parse, evaluate, randomDrop, randomCut, encode
 */
export function calcPipeline(options: CalcPipelineOptions = {}): OperatorFunction<Frame, string> {
  const success = options.success ?? 1;
  const drop: MonoTypeOperatorFunction<CalcOutcome> =
    options.transport === undefined || isStreamTransport(options.transport)
      ? randomCut(success, options.random)
      : randomDrop(success, options.random);
  const stats = options.stats;
  if (stats === undefined) return pipe(parse(), evaluate(), drop, encode());
  const countInvalid = tap((outcome: CalcOutcome) => {
    if (!outcome.ok) stats.invalid += 1;
  });
  return pipe(parse(), evaluate(), countInvalid, drop, encode());
}
