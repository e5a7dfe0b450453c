import type { CalcReply, CalcRequest } from '../protocol/types.js';
import { encodeRequest } from '../protocol/encodeRequest.js';
import type { CalcClient } from './calcClient.js';
import type { CalcClientOptions } from './calcClientOptions.js';
import type { CalcTransport } from './CalcTransport.js';
import { checkRequestLine } from '../../client/checkRequestLine.js';
import { requestClientOver } from '../../client/requestClientOver.js';

/**
 * Wraps a {@link CalcTransport} as a {@link CalcClient}: the generic requestClientOver (close,
 * cancelling requests in flight, the `policy`), plus what is calc's own: a CalcRequest is encoded
 * as its line, and a request line with a `\n` is refused before anything is sent (an
 * RxnetInvalidRequestError). Internal; see createCalcClient.
 *
 * ```
 * request('+,1,1') -> check line -> transport.send (retries inside) -> policy --200,2|
 * close()          -> in-flight requests  --#  (RxnetClosedError) -> transport.release()
 * ```
 *
 * Example: `const client = calcClientOver(calcOverUdp(options), options);`
 *
 * @see calcOverTcp, calcOverUdp, requestClientOver
 */
export function calcClientOver(transport: CalcTransport, options: Readonly<CalcClientOptions>): CalcClient {
  const lines = requestClientOver<string, CalcReply>(transport, {
    name: 'calc client',
    policy: options.policy,
    refuse: (line) => checkRequestLine(line as string),
  });
  return {
    ...lines,
    options,
    request: (input: CalcRequest | string) => lines.request(typeof input === 'string' ? input : encodeRequest(input)),
  };
}
