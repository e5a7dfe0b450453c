import { map, type OperatorFunction } from 'rxjs';
import { isOverlong, type Frame } from '../../framing/Frame.js';
import { parseRequest } from '../protocol/parseRequest.js';
import type { ParsedRequest } from '../protocol/types.js';

/**
 * Parses each framed request (`OP,A,B`) into a typed value. An invalid request, or an overlong
 * frame, becomes a failure value, never an error notification: nothing a client sends can end
 * the stream.
 *
 * ```
 * --'+,1,1'--'oops'--|   ->   --{ok,+,1,1}--{!ok}--|
 * ```
 *
 * Example: `lines$.pipe(parse(), evaluate(), encode())`
 *
 * @see evaluate, encode
 */
export function parse(): OperatorFunction<Frame, ParsedRequest> {
  return map((frame) =>
    isOverlong(frame) ? { ok: false, reason: `request longer than ${frame.limit} bytes` } : parseRequest(frame),
  );
}
