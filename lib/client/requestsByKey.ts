import { catchError, defer, EMPTY, filter, merge, mergeMap, ReplaySubject, Subscription, switchMap, take, throwError, type Observable } from 'rxjs';
import { isOverlong, type OverlongFrame } from '../framing/Frame.js';
import { retryWithBackoff } from '../operators/retryWithBackoff.js';
import { openUdp, type UdpClientSocket } from '../transport/openUdp.js';
import { formatHostPort } from '../transport/SocketAddress.js';
import { datagramReplies } from './datagramReplies.js';
import type { ReplyKey, ResolvedRequestClientOptions } from './requestClientOptions.js';
import type { RequestTransport } from './RequestTransport.js';
import { SocketCount } from './SocketCount.js';
import { udpConnectionError } from './udpConnectionError.js';

/**
 * The request transport over UDP, correlated by a key the user extracts (a request id): every
 * request goes out from one shared socket, opened at the first request and closed by `release`,
 * and a datagram answers the requests in flight whose key its reply carries (`key.reply(reply)
 * === key.request(request)`); other datagrams are ignored. Each subscription to `send` is one
 * request under `retryWithBackoff(options.retry)`, every copy sent from the same socket, so a
 * reply to any copy answers it. A socket error (ECONNREFUSED from an ICMP port unreachable) fails
 * the attempts in flight with a transient RxnetConnectionError (retried); the socket stays open.
 * Internal; see createRequestClient.
 *
 * ```
 * request {id: 1} --send--------------------reply {id: 1}|
 * request {id: 2} ----send-----reply {id: 2}|             (one socket, any order)
 * ```
 *
 * Example: `requestsByKey({ ...options, key: { request: (r) => r.id, reply: (r) => r.id } })`
 *
 * @see requestsBySocket, requestsOverStream
 */
export function requestsByKey<Req, Rep, F extends Rep | OverlongFrame>(
  options: ResolvedRequestClientOptions<Req, Rep, F> & { readonly key: ReplyKey<Req, Rep> },
): RequestTransport<Req, Rep> {
  const address = `udp://${formatHostPort(options.host, options.port)}`;
  const { codec, key } = options;
  const isReply = options.isReply ?? (() => true);
  const reply = (frame: F): Rep | undefined => (isOverlong(frame) || !isReply(frame as Rep) ? undefined : (frame as Rep));
  const policy = retryWithBackoff<Rep>(options.retry);
  const sockets = new SocketCount();
  let socket$: ReplaySubject<UdpClientSocket> | undefined;
  let opened: Subscription | undefined;

  /** The shared socket, opened at the first request; a socket that could not open is tried again by the next attempt. */
  const shared = (): Observable<UdpClientSocket> => {
    if (socket$ !== undefined) return socket$;
    const subject = new ReplaySubject<UdpClientSocket>(1);
    socket$ = subject;
    sockets.opened();
    opened = openUdp({ host: options.host, port: options.port, onClosed: sockets.closed }).subscribe({
      next: (socket) => subject.next(socket),
      error: (err: unknown) => {
        socket$ = undefined;
        subject.error(udpConnectionError(address, err));
      },
    });
    return subject;
  };

  const send = (request: Req): Observable<Rep> =>
    defer(() => {
      const payload = codec.encode(request);
      const wanted = key.request(request);
      const attempt$ = shared().pipe(
        take(1),
        switchMap((socket) =>
          merge(
            socket.messages$.pipe(catchError((err: unknown) => throwError(() => udpConnectionError(address, err)))),
            defer(() => {
              socket.send(payload);
              return EMPTY;
            }),
          ),
        ),
        mergeMap((data) => datagramReplies(data, codec, reply)),
        filter((answer) => key.reply(answer) === wanted),
        take(1),
      );
      return attempt$.pipe(policy);
    });

  return {
    address,
    send,
    connect: () => Promise.resolve(),
    release: () => {
      opened?.unsubscribe();
      socket$?.complete();
      socket$ = undefined;
      return sockets.drained();
    },
  };
}
