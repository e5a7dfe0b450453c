import { isStreamTransport } from '../transport/Transport.js';
import { requestClientOver, type RequestClient } from './requestClientOver.js';
import { resolveRequestClientOptions, type ReplyKey, type RequestClientOptions } from './requestClientOptions.js';
import { requestsByKey } from './requestsByKey.js';
import { requestsBySocket } from './requestsBySocket.js';
import { requestsOverStream } from './requestsOverStream.js';

/**
 * Creates a request/response client for any protocol: a codec says how requests and replies are
 * framed, and replies are correlated as the transport allows:
 * - on a stream (`tcp`, `tls`, `unix`): in order, over the pipelined sessions of a
 *   createTcpClient (reconnect with backoff, `tcp: { sessions, maxInFlight }`);
 * - on datagrams (`udp`): by socket, a fresh one per request (works with any server), or, with
 *   `key`, by a key each request and reply carries (a request id), on one shared socket.
 *
 * Each request runs under `retryWithBackoff(options.retry)` (the calc client's timeout, retry and
 * backoff) and then `options.policy` (a circuit breaker, a bulkhead...), around its attempts.
 *
 * Example (JSON lines with ids, over UDP):
 * ```ts
 * const json = { decode: pipe(lineCodec().decode, map(...parse)), encode: (m) => `${JSON.stringify(m)}\n` };
 * const client = createRequestClient({ transport: 'udp', port: 9000, codec: json, key: { request: (r) => r.id, reply: (r) => r.id } });
 * const reply = await firstValueFrom(client.request({ id: 1, method: 'add', params: [1, 2] }));
 * await client.close();
 * ```
 *
 * @param options `transport` (tcp), `host` (127.0.0.1), `port` (9000), `codec` (required),
 *   `isReply`, `key` (udp only), `retry` (RETRY_DEFAULTS), `policy`, `tcp`, `scheduler`.
 * @throws RxnetInvalidOptionError for a bad option, naming it.
 * @see createCalcClient, createTcpClient, udpRequest, retryWithBackoff
 */
export function createRequestClient<Req, Rep>(options: RequestClientOptions<Req, Rep>): RequestClient<Req, Rep> {
  const resolved = resolveRequestClientOptions(options);
  const { transport, key } = resolved;
  const carrier = isStreamTransport(transport)
    ? requestsOverStream({ ...resolved, transport })
    : key === undefined
      ? requestsBySocket(resolved)
      : requestsByKey({ ...resolved, key: key as ReplyKey<Req, Rep> });
  return requestClientOver(carrier, { name: 'request client', policy: resolved.policy });
}
