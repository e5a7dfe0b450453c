import { asyncScheduler, Observable, timer, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { RxnetProtocolError } from '../errors.js';
import type { Frame } from '../framing/Frame.js';
import { LineDecoder } from '../framing/LineDecoder.js';

const LF = 0x0a;

/**
 * How a client frames its server's replies, named as the server's `framing` option: `line`,
 * newline-terminated lines only; `chunk`, for the original seed server, which ends no reply with
 * a newline: bytes followed by a quiet gap are also one reply.
 */
export const REPLY_FRAMINGS = ['line', 'chunk'] as const;
export type ReplyFraming = (typeof REPLY_FRAMINGS)[number];

/**
 * What is known of a server's replies, shared by the sessions of one client: once any of them
 * has seen a newline, the server terminates its replies, and no session takes unterminated bytes.
 */
export interface ReplyTermination {
  terminated: boolean;
}

/** Options of {@link replyFrames}. */
export interface ReplyFramesOptions {
  /** The longest reply, in bytes, without its terminator; a longer one is an overlong frame. */
  readonly maxLength: number;
  /** `line` or `chunk` (see REPLY_FRAMINGS). Defaults to `line`. */
  readonly framing?: ReplyFraming;
  /** `chunk` only: the quiet gap, in ms, after which unterminated bytes may be one reply. 0 disables that. */
  readonly gapMs: number;
  /**
   * `chunk` only: asked when the gap has passed: may the unterminated bytes be taken as one reply
   * now? A TCP session answers true only while at most one request is outstanding.
   */
  readonly mayTakeUnterminated: () => boolean;
  /**
   * `line` only: how long unterminated bytes may sit quiet, before the server has sent any
   * newline, until the stream errors with an RxnetProtocolError (the server may be a seed server,
   * which needs `chunk`). Defaults to 0: wait for the newline for ever.
   */
  readonly stallMs?: number;
  /** Shared knowledge of the server (see ReplyTermination). Defaults to this stream's own. */
  readonly termination?: ReplyTermination;
  /** Where the quiet gap and the stall are timed. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Frames a reply byte stream, one array of frames per chunk (so a reader can tell which frames
 * arrived together). Replies are `\n`-terminated lines (CRLF accepted), taken at once, correct
 * across chunk boundaries, however long a pause splits them. Bytes without a newline are never a
 * reply in `line` framing (the default): a slow network splits replies just as a seed server
 * leaves them unterminated. With `stallMs`, bytes left unterminated and quiet that long, before
 * any newline came, error the stream with an RxnetProtocolError (`info.received`, the bytes).
 *
 * In `chunk` framing (the seed's server, which answers without a newline), unterminated bytes
 * are one reply only when all of this holds:
 * - no newline has been seen yet on this stream, nor on any sharing `termination` (once one has,
 *   the server terminates its replies, and a partial line is never taken, however long it waits);
 * - no byte has arrived for `gapMs` (a reply split across writes with a shorter pause is whole);
 * - `mayTakeUnterminated()` says so (one request outstanding, so the bytes cannot be two replies).
 *
 * Bytes left unterminated when the stream ends are discarded, never taken: they may be cut.
 *
 * ```
 * line:                --[200,4]-----[2\n]--   ->   --------------['200,42']--
 * line, stallMs 5:     --[200,4]--------       ->   -------#  (RxnetProtocolError)
 * chunk, gapMs 3:      --[200,]-[2]------      ->   --------------['200,2']
 * either:              --[200,2\n300,-1\n]--   ->   --['200,2','300,-1']--
 * ```
 *
 * Example: `connection.data$.pipe(replyFrames({ maxLength: 1024, framing: 'chunk', gapMs: 20, mayTakeUnterminated: () => true }))`
 *
 * @see LineDecoder, splitLines
 */
export function replyFrames(options: ReplyFramesOptions): OperatorFunction<Uint8Array, readonly Frame[]> {
  const chunkFraming = options.framing === 'chunk';
  const wait = chunkFraming ? options.gapMs : (options.stallMs ?? 0);
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<readonly Frame[]>((subscriber) => {
      const decoder = new LineDecoder(options.maxLength);
      const termination = options.termination ?? { terminated: false };
      let unterminated = false;
      let quiet: Subscription | undefined;

      const stopQuiet = (): void => {
        quiet?.unsubscribe();
        quiet = undefined;
      };
      const onQuiet = (): void => {
        quiet = undefined;
        if (!unterminated || termination.terminated) return;
        if (!chunkFraming) {
          const pending = decoder.end()[0];
          const received = typeof pending === 'string' ? pending : '';
          subscriber.error(new RxnetProtocolError(`No newline after ${wait} ms of quiet, only ${JSON.stringify(received.slice(0, 40))}`, { received }));
          return;
        }
        if (!options.mayTakeUnterminated()) return;
        unterminated = false;
        const frames = decoder.end();
        if (frames.length > 0) subscriber.next(frames);
      };

      const subscription = source.subscribe({
        next: (chunk) => {
          if (chunk.length === 0) return;
          stopQuiet();
          if (chunk.includes(LF)) termination.terminated = true;
          unterminated = chunk[chunk.length - 1] !== LF;
          const frames = decoder.push(chunk);
          if (frames.length > 0) subscriber.next(frames);
          if (unterminated && !termination.terminated && wait > 0 && !subscriber.closed) {
            quiet = timer(wait, scheduler).subscribe(onQuiet);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        stopQuiet();
        subscription.unsubscribe();
      };
    });
}
