import { Observable, timer, type OperatorFunction, type Subscription } from 'rxjs';
import type { Frame } from '../framing/Frame.js';
import { LineDecoder } from '../framing/LineDecoder.js';

const LF = 0x0a;

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
  /** The quiet gap, in ms, after which unterminated bytes may be one reply. 0 disables that. */
  readonly gapMs: number;
  /**
   * Asked when the gap has passed: may the unterminated bytes be taken as one reply now? A TCP
   * session answers true only while at most one request is outstanding.
   */
  readonly mayTakeUnterminated: () => boolean;
  /** Shared knowledge of the server (see ReplyTermination). Defaults to this stream's own. */
  readonly termination?: ReplyTermination;
}

/**
 * Frames a reply byte stream, one array of frames per chunk (so a reader can tell which frames
 * arrived together). Replies are `\n`-terminated lines (CRLF accepted), taken at once, correct
 * across chunk boundaries. For the seed's server, which answers without a newline, unterminated
 * bytes are one reply only when all of this holds:
 * - no newline has been seen yet on this stream, nor on any sharing `termination` (once one has,
 *   the server terminates its replies, and a partial line is never taken, however long it waits);
 * - no byte has arrived for `gapMs` (a reply split across writes with a shorter pause is whole);
 * - `mayTakeUnterminated()` says so (one request outstanding, so the bytes cannot be two replies).
 * Bytes left unterminated when the stream ends are discarded, never taken: they may be cut.
 *
 * ```
 * gapMs 3:   --[200,]-[2]------      ->   --------------['200,2']
 *            --[200,2\n300,-1\n]--   ->   --['200,2','300,-1']--
 * ```
 *
 * Example: `connection.data$.pipe(replyFrames({ maxLength: 1024, gapMs: 20, mayTakeUnterminated: () => true }))`
 *
 * @see LineDecoder, splitLines
 */
export function replyFrames(options: ReplyFramesOptions): OperatorFunction<Uint8Array, readonly Frame[]> {
  return (source) =>
    new Observable<readonly Frame[]>((subscriber) => {
      const decoder = new LineDecoder(options.maxLength);
      const termination = options.termination ?? { terminated: false };
      let unterminated = false;
      let gap: Subscription | undefined;

      const stopGap = (): void => {
        gap?.unsubscribe();
        gap = undefined;
      };
      const onQuiet = (): void => {
        gap = undefined;
        if (!unterminated || termination.terminated || !options.mayTakeUnterminated()) return;
        unterminated = false;
        const frames = decoder.end();
        if (frames.length > 0) subscriber.next(frames);
      };

      const subscription = source.subscribe({
        next: (chunk) => {
          if (chunk.length === 0) return;
          stopGap();
          if (chunk.includes(LF)) termination.terminated = true;
          unterminated = chunk[chunk.length - 1] !== LF;
          const frames = decoder.push(chunk);
          if (frames.length > 0) subscriber.next(frames);
          if (unterminated && !termination.terminated && options.gapMs > 0 && !subscriber.closed) {
            gap = timer(options.gapMs).subscribe(onQuiet);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        stopGap();
        subscription.unsubscribe();
      };
    });
}
