import { defer } from 'rxjs';
import type { OverlongFrame } from '../framing/Frame.js';
import { retryWithBackoff } from '../operators/retryWithBackoff.js';
import type { StreamTransport } from '../transport/Transport.js';
import type { RequestTransport } from './RequestTransport.js';
import type { ResolvedRequestClientOptions } from './requestClientOptions.js';
import { createTcpClient } from './tcpClient.js';

/**
 * The request transport over the sessions of one createTcpClient with the client's codec
 * (TCP, TLS or a Unix socket): replies matched to requests in order, each subscription to `send`
 * one attempt (`tcp.request`) under `retryWithBackoff(options.retry)`. Internal; see createRequestClient.
 *
 * Example: `requestClientOver(requestsOverStream(options), { name: 'request client' })`
 *
 * @see requestsBySocket, requestsByKey
 */
export function requestsOverStream<Req, Rep, F extends Rep | OverlongFrame>(
  options: ResolvedRequestClientOptions<Req, Rep, F> & { readonly transport: StreamTransport },
): RequestTransport<Req, Rep> {
  const { transport, host, port, path, ca, servername, rejectUnauthorized } = options;
  const tcp = createTcpClient<Req, Rep>({
    ...options.tcp,
    transport,
    host,
    port,
    ...(path === undefined ? {} : { path }),
    ...(ca === undefined ? {} : { ca }),
    ...(servername === undefined ? {} : { servername }),
    ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
    codec: options.codec,
    ...(options.isReply === undefined ? {} : { isReply: options.isReply }),
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
  });
  const policy = retryWithBackoff<Rep>(options.retry);
  return {
    address: tcp.address,
    send: (request) => defer(() => tcp.request(request)).pipe(policy),
    connect: () => tcp.connect(),
    release: () => tcp.close(),
  };
}
