import type { SchedulerLike } from 'rxjs';
import { encodeRequestLine } from '../../lib/client/encodeRequestLine.js';
import { lineReplies, type LineRepliesOptions } from '../../lib/client/lineReplies.js';
import type { TcpSessionOptions } from '../../lib/client/TcpSession.js';
import type { Frame } from '../../lib/framing/Frame.js';

/** The calc client's session options, flat, as the specs give them. */
export interface LineSessionInput extends LineRepliesOptions {
  readonly address: string;
  readonly isReply: (text: string) => boolean;
  readonly scheduler?: SchedulerLike;
}

/** A session of lines, as createTcpClient makes for the calc client: lineReplies, encodeRequestLine and `isReply`. */
export function lineSession(input: LineSessionInput): TcpSessionOptions<string, Frame> {
  const { address, isReply, scheduler, ...replies } = input;
  return { address, replies: lineReplies(replies), encode: encodeRequestLine, isReply: (reply) => isReply(reply as string), scheduler };
}
