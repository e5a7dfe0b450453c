import { pipe, tap, type MonoTypeOperatorFunction, type OperatorFunction } from 'rxjs';
import { isOverlong, type Frame } from '../../framing/Frame.js';
import { answerRequestLine } from '../protocol/answerRequestLine.js';
import { ERROR_REPLY } from '../protocol/encodeOutcome.js';
import type { CalcOutcome } from '../protocol/types.js';
import { encode } from '../operators/encode.js';
import { evaluate } from '../operators/evaluate.js';
import { parse } from '../operators/parse.js';
import { randomCut } from '../../operators/randomCut.js';
import { randomDrop } from '../../operators/randomDrop.js';
import { isStreamTransport, type Transport } from '../../transport/Transport.js';
import { CUT, DROP, withFusedStep, type FusedPipeline, type FusedStep } from '../../server/fusedStep.js';
import type { ServerStats } from '../../server/ServerStats.js';

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
 * The operator it returns also carries a fused step (see withFusedStep): serveTcp and serveUdp
 * run it synchronously, once per read, with the same parse, evaluate and encode functions and the
 * same random rolls, so the replies are byte for byte those of the operator chain. Composed inside
 * a `pipe(...)` it is an ordinary operator chain again.
 *
 * Example: `frames$.pipe(calcPipeline({ transport: 'unix', success: 0.5 }))`
 *
 * @see parse, evaluate, randomDrop, randomCut, encode
 */
export function calcPipeline(options: CalcPipelineOptions = {}): FusedPipeline {
  const success = options.success ?? 1;
  const random = options.random ?? Math.random;
  const cuts = options.transport === undefined || isStreamTransport(options.transport);
  const drop: MonoTypeOperatorFunction<CalcOutcome> = cuts ? randomCut(success, random) : randomDrop(success, random);
  const stats = options.stats;
  const chain: OperatorFunction<Frame, string> =
    stats === undefined
      ? pipe(parse(), evaluate(), drop, encode())
      : pipe(
          parse(),
          evaluate(),
          tap((outcome: CalcOutcome) => {
            if (!outcome.ok) stats.invalid += 1;
          }),
          drop,
          encode(),
        );
  // The operators roll for every value; with success 1 and Math.random a roll always passes and
  // its number is unobservable, so the step skips it. A given `random` is called just as often.
  // (startServer passes Math.random itself when no source is set.)
  const rolls = success < 1 || (options.random !== undefined && options.random !== Math.random);
  return withFusedStep(chain, calcStep(success, rolls ? random : undefined, cuts ? CUT : DROP, stats), { asciiReplies: true });
}

/**
 * The chain above as one function: parse, evaluate and encode (answerRequestLine, the same rules
 * in one pass), count, roll (unless `random` is undefined).
 */
function calcStep(
  success: number,
  random: (() => number) | undefined,
  lost: typeof CUT | typeof DROP,
  stats?: Pick<ServerStats, 'invalid'>,
): FusedStep {
  return (frame) => {
    const reply = isOverlong(frame) ? ERROR_REPLY : answerRequestLine(frame);
    if (reply === ERROR_REPLY && stats !== undefined) stats.invalid += 1;
    if (random !== undefined && !(random() < success)) return lost;
    return reply;
  };
}
