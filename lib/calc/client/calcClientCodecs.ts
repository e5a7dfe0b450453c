import { chunkCodec } from '../../codec/chunkCodec.js';
import type { Codec } from '../../codec/Codec.js';
import { isOverlong, type Frame } from '../../framing/Frame.js';
import { parseReply } from '../protocol/parseReply.js';
import type { CalcReply } from '../protocol/types.js';

/**
 * What the calc client hands the generic stream client and UDP requester, which know nothing of
 * calc: its reply check and its datagram codec. Calc-specific; moves with the calc protocol.
 */

/** True when a reply line is a calc reply (`200,NUMBER` or `300,-1`): the calc client's `isReply` on streams. */
export function isCalcReply(text: string): boolean {
  return parseReply(text).ok;
}

/** A calc datagram's reply, or undefined for anything else (ignored, as a stray datagram). */
export function calcReplyOf(frame: Frame): CalcReply | undefined {
  if (isOverlong(frame)) return undefined;
  const parsed = parseReply(frame);
  return parsed.ok ? parsed.reply : undefined;
}

/**
 * The calc client's UDP codec: a request goes as its bare line (no newline, as the seed client
 * sent it), a reply is one datagram's text (a trailing newline removed; over 4096 bytes, no reply).
 *
 * Example: `udpRequest('+,1,1', { port, codec: CALC_DATAGRAM_CODEC, reply: calcReplyOf })`
 */
export const CALC_DATAGRAM_CODEC: Codec<Frame, string> = Object.freeze({ decode: chunkCodec().decode, encode: (line: string) => line });
