import type { OperatorFunction } from 'rxjs';
import type { Frame } from '../framing/Frame.js';
import type { TextEncoding } from '../transport/TcpConnection.js';

/** What a fused step returns for a request that gets no reply and ends a stream (randomCut). */
export const CUT: unique symbol = Symbol('rxnet.cut');
/** What a fused step returns for a request whose reply is silently dropped (randomDrop). */
export const DROP: unique symbol = Symbol('rxnet.drop');

/** One request in, synchronously: its reply text (no terminator), {@link CUT} or {@link DROP}. */
export type FusedStep = (frame: Frame) => string | typeof CUT | typeof DROP;

/** The key under which a pipeline carries its fused step (non-enumerable). */
export const FUSED_STEP: unique symbol = Symbol('rxnet.fusedStep');
/** The key under which a pipeline says its fused step's replies are ASCII only (non-enumerable). */
const ASCII_REPLIES: unique symbol = Symbol('rxnet.asciiReplies');

/** What a pipeline promises of its fused step, beside giving what the chain gives. */
export interface FusedStepOptions {
  /**
   * Every reply is ASCII (bytes 0-127): the fused path may then write a read's replies as
   * Latin-1, one byte per character copied, instead of encoding UTF-8 (the same bytes, about 1 %
   * fewer instructions per request at saturation). calc's replies are digits and `,.-+e`.
   */
  readonly asciiReplies?: boolean;
}

/** A request pipeline that can also run one request at a time, synchronously, without RxJS. */
export type FusedPipeline = OperatorFunction<Frame, string> & { readonly [FUSED_STEP]: FusedStep };

/**
 * Attaches `step` to `pipeline`: serveTcp and serveUdp then run `step` per frame, in one
 * synchronous loop per read, instead of the operator chain. `step` must give exactly what the
 * chain gives for the same frames (same replies, same random rolls in the same order).
 *
 * Example: `withFusedStep(pipe(parse(), evaluate(), encode()), (frame) => ..., { asciiReplies: true })`
 */
export function withFusedStep(pipeline: OperatorFunction<Frame, string>, step: FusedStep, options: FusedStepOptions = {}): FusedPipeline {
  const fused = ((source) => pipeline(source)) as FusedPipeline;
  Object.defineProperty(fused, FUSED_STEP, { value: step, enumerable: false });
  if (options.asciiReplies === true) Object.defineProperty(fused, ASCII_REPLIES, { value: true, enumerable: false });
  return fused;
}

/**
 * How the fused path may write a pipeline's replies: `latin1` when its step promised ASCII
 * replies (withFusedStep's `asciiReplies`), else `utf8`.
 *
 * Example: `fusedReplyEncoding(calcPipeline())` is `'latin1'`.
 */
export function fusedReplyEncoding(pipeline: OperatorFunction<Frame, string>): TextEncoding {
  return (pipeline as { [ASCII_REPLIES]?: true })[ASCII_REPLIES] === true ? 'latin1' : 'utf8';
}

/**
 * The fused step a pipeline carries, or undefined for any other operator chain (a user's own,
 * or calcPipeline composed inside a `pipe(...)`: those run through RxJS unchanged).
 *
 * Example: `fusedStepOf(calcPipeline())?.('+,1,1')` is `'200,2'`.
 */
export function fusedStepOf(pipeline: OperatorFunction<Frame, string>): FusedStep | undefined {
  return (pipeline as Partial<FusedPipeline>)[FUSED_STEP];
}
