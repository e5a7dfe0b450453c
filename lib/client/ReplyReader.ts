import type { OperatorFunction, SchedulerLike } from 'rxjs';
import type { RxnetError } from '../errors.js';

/** What a {@link ReplyReader} is told by the session it frames replies for. */
export interface ReplyContext {
  /**
   * True while unterminated bytes may be taken as one reply (at most one request outstanding):
   * for a framing that can take a reply after a quiet gap (the seed's `chunk`), ignored by others.
   */
  readonly mayTakeUnterminated: () => boolean;
  /** Where any timer of the framing is scheduled. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike | undefined;
}

/**
 * How a stream client frames its server's replies: `frames` cuts one connection's bytes into
 * replies, one array per chunk read (so a session knows which replies arrived together, and that
 * none of them can answer a request written after), and `failure` names why a session ends when
 * `frames` errors with something of its own (a stall) rather than the socket's. Built by
 * {@link codecReplies} for any codec, or by `lineReplies` for the calc client's lines.
 *
 * Example: `new TcpSession(connection, { address, replies: codecReplies(lengthFieldCodec()), encode })`
 */
export interface ReplyReader<F> {
  /** The replies of one connection: a fresh framer per subscription. */
  frames(context: ReplyContext): OperatorFunction<Uint8Array, readonly F[]>;
  /** The error a session ends with for an error of `frames` that is not the socket's, or undefined for a socket error. */
  failure?(err: unknown, where: string, address: string): RxnetError | undefined;
}
