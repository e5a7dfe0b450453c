import { isOverlong, type OverlongFrame } from '../framing/Frame.js';
import { formatHostPort } from '../transport/SocketAddress.js';
import type { RequestTransport } from './RequestTransport.js';
import type { ResolvedRequestClientOptions } from './requestClientOptions.js';
import { SocketCount } from './SocketCount.js';
import { udpRequest } from './udpRequest.js';

/**
 * The request transport over UDP, correlated by socket: each request gets its own socket (see
 * udpRequest), kept off the ports of the process's recent requests, and a datagram is a reply
 * when it decodes to a frame `isReply` takes; `release` resolves once every socket has closed.
 * Internal; see createRequestClient.
 *
 * Example: `requestClientOver(requestsBySocket(options), { name: 'request client' })`
 *
 * @see requestsByKey, requestsOverStream
 */
export function requestsBySocket<Req, Rep, F extends Rep | OverlongFrame>(options: ResolvedRequestClientOptions<Req, Rep, F>): RequestTransport<Req, Rep> {
  const sockets = new SocketCount();
  const isReply = options.isReply ?? (() => true);
  const reply = (frame: F): Rep | undefined => (isOverlong(frame) || !isReply(frame as Rep) ? undefined : (frame as Rep));
  return {
    address: `udp://${formatHostPort(options.host, options.port)}`,
    send: (request) =>
      udpRequest<F, Req, Rep>(request, {
        host: options.host,
        port: options.port,
        codec: options.codec,
        reply,
        retry: options.retry,
        onSocketOpened: sockets.opened,
        onSocketClosed: sockets.closed,
      }),
    connect: () => Promise.resolve(),
    release: () => sockets.drained(),
  };
}
