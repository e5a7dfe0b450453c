import { isProtocolError, RxnetConnectionError } from '../errors.js';
import type { Frame } from '../framing/Frame.js';
import type { ReplyReader } from './ReplyReader.js';
import { replyFrames, type ReplyFraming, type ReplyTermination } from './replyFrames.js';

/**
 * In `line` framing, how long bytes without a newline may sit quiet, on a server that has sent
 * this client no newline yet, before the session is dropped with a hint at `chunk` framing.
 * Longer than a reply split by a slow network usually pauses; shorter than the CLI's 1 s timeout.
 */
export const DEFAULT_STALL_TIMEOUT = 500;

/** Options of {@link lineReplies}. */
export interface LineRepliesOptions {
  /** The longest reply, in bytes, without its newline. */
  readonly maxReplyLength: number;
  /**
   * `line` (the default): only newline-terminated replies. `chunk` (the original seed server, which
   * sends no newline): unterminated bytes are also one reply after `replyGap` ms of quiet while
   * one request is outstanding, until the server sends a newline (see replyFrames).
   */
  readonly framing?: ReplyFraming;
  /** `chunk` only: the quiet gap, in ms, after which unterminated bytes are a reply; 0 disables. */
  readonly replyGap: number;
  /**
   * `line` only: unterminated bytes quiet this long, before the server has sent any newline, drop
   * the session: its requests fail with a transient RxnetConnectionError that suggests `chunk`.
   * They are never an answer. Defaults to DEFAULT_STALL_TIMEOUT (500 ms); 0 waits for ever.
   */
  readonly stallTimeout?: number;
  /** What the client knows of its server's reply termination, shared by its sessions (see replyFrames). Defaults to the reader's own. */
  readonly termination?: ReplyTermination;
}

/**
 * The {@link ReplyReader} of the calc client's text lines, today's rule (docs/protocol.md, "How
 * the client frames TCP replies"): {@link replyFrames} with the seed's `chunk` mode and the stall
 * that suggests it. A stall ends the session with a transient RxnetConnectionError: `No
 * newline-terminated reply from … : "200,42" then nothing for 500 ms (an original seed server?
 * use framing chunk, --framing chunk on the CLI)`. One reader serves all the sessions of a
 * client: they share what is known of the server's termination.
 *
 * Example: `new TcpSession(connection, { address, replies: lineReplies({ maxReplyLength: 1024, replyGap: 20 }), encode: encodeLine })`
 *
 * @see replyFrames, codecReplies
 */
export function lineReplies(options: LineRepliesOptions): ReplyReader<Frame> {
  const stallMs = options.stallTimeout ?? DEFAULT_STALL_TIMEOUT;
  const termination = options.termination ?? { terminated: false };
  return {
    frames: ({ mayTakeUnterminated, scheduler }) =>
      replyFrames({
        maxLength: options.maxReplyLength,
        framing: options.framing ?? 'line',
        gapMs: options.replyGap,
        mayTakeUnterminated,
        stallMs,
        termination,
        scheduler,
      }),
    // replyFrames errors with an RxnetProtocolError only for a stall; anything else is the socket's.
    failure: (err, where, address) => {
      if (!isProtocolError(err)) return undefined;
      const received = JSON.stringify(err.info.received.slice(0, 40));
      return new RxnetConnectionError(
        `No newline-terminated reply from ${where}: ${received} then nothing for ${stallMs} ms (an original seed server? use framing chunk, --framing chunk on the CLI)`,
        { address },
        { cause: err },
      );
    },
  };
}
