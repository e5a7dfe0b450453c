import { catchError, defer, EMPTY, map, merge, mergeMap, Observable, of, retry, switchMap, take, throwError } from 'rxjs';
import { chunkCodec } from '../codec/chunkCodec.js';
import type { Codec } from '../codec/Codec.js';
import { isOverlong, type Frame } from '../framing/Frame.js';
import { retryWithBackoff } from '../operators/retryWithBackoff.js';
import type { RetryPolicy } from '../operators/retryPolicy.js';
import { openUdp, type UdpClientSocket } from '../transport/openUdp.js';
import { datagramReplies } from './datagramReplies.js';
import { PROCESS_RECENT_PORTS, type RecentPorts } from './RecentPorts.js';
import type { WiretapSettings } from '../observability/wireLogger.js';
import { wiretapUdpSocket } from './wiretapSockets.js';
import { udpConnectionError } from './udpConnectionError.js';

/** Options of {@link udpRequest}: `F` is what the codec decodes, `Req` a request, `Rep` a reply. */
export interface UdpRequestOptions<F = Frame, Req = string, Rep = string> {
  /**
   * How the request is encoded and each datagram from the server decoded (a fresh decoder per
   * datagram, so a frame never spans datagrams). Defaults to the chunk codec: one text message per
   * datagram, a trailing newline removed, the request sent with a `\n`.
   */
  readonly codec?: Codec<F, Req>;
  /**
   * The reply a decoded frame is, or undefined to ignore it (a stray or malformed datagram).
   * Defaults to every frame that is not overlong.
   */
  readonly reply?: (frame: F) => Rep | undefined;
  /** The server's host. Defaults to `127.0.0.1`. */
  readonly host?: string;
  /** The server's port. */
  readonly port: number;
  /**
   * The timeout and retry policy (see retryWithBackoff). Defaults to RETRY_DEFAULTS: 1 s, doubling,
   * up to 2 s. Its `scheduler` (asyncScheduler by default) times every wait and measures the
   * timeout error's `elapsedMs`, so on a fake clock the schedule and the figure are exact.
   */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Ports of earlier requests, never reused for this one (see RecentPorts). Defaults to the
   * process's (PROCESS_RECENT_PORTS), shared by every request that is not given its own.
   */
  readonly recentPorts?: RecentPorts;
  /** Called with the request text each time a copy is sent (for logs and tests). */
  readonly onSend?: ((message: Req, attempt: number) => void) | undefined;
  /** Called when a socket is created, and when it has closed: an owner can count open sockets. */
  readonly onSocketOpened?: () => void;
  readonly onSocketClosed?: () => void;
  /** Logs every datagram sent and received (`--wiretap`). Defaults to none, at no cost. */
  readonly wiretap?: WiretapSettings | undefined;
}

/** Private marker: the fresh socket landed on a recently used port. */
class PortInQuarantine extends Error {}

/** How many times to draw another ephemeral port before taking the one we got. */
const MAX_PORT_DRAWS = 8;

/**
 * Sends one request over UDP and emits its reply, then completes. Correlation by socket
 * (docs/protocol.md, "Correlation and retries"): the request gets a fresh socket on a fresh
 * ephemeral port, connected to the server; every copy the retry policy sends goes out from it,
 * so a reply to any copy answers this request (the protocol should answer copies alike); the
 * socket is closed when the request ends, and no later request of the process takes its port
 * soon after (PROCESS_RECENT_PORTS), so nothing meant for it can reach another request.
 * Datagrams from other addresses, datagrams the codec cannot decode, and frames `options.reply`
 * does not take (the calc client: anything but `200,NUMBER` or `300,-1`) are ignored. It listens
 * before it sends. Works against any server: nothing is added to the wire beyond the codec's bytes.
 *
 * Errors: RxnetTimeoutError when the policy gives up; RxnetConnectionError, transient (so retried
 * by the policy), when the server's host reports nothing listening (`ECONNREFUSED`); one marked
 * `final` for any other socket error (a host that cannot be resolved, `EMSGSIZE`...).
 *
 * ```
 * subscribe -> open socket, send --(wait t)-- send --(wait 2t)--reply|  -> close socket
 * ```
 *
 * Example: `udpRequest('+,1,1', { port: 9000, retry: { initial: 100, max: 2000 } }).subscribe(console.log)` logs `200,2`;
 * `udpRequest(body, { port, codec: lengthFieldCodec() })` sends a length-prefixed datagram.
 *
 * @see retryWithBackoff, openUdp, createRequestClient
 */
export function udpRequest(message: string, options: UdpRequestOptions & { readonly codec?: undefined }): Observable<string>;
export function udpRequest<F, Req, Rep = Exclude<F, { readonly overlong: true }>>(
  message: Req,
  options: UdpRequestOptions<F, Req, Rep> & { readonly codec: Codec<F, Req> },
): Observable<Rep>;
export function udpRequest<F, Req, Rep>(message: Req, options: UdpRequestOptions<F, Req, Rep>): Observable<Rep> {
  const host = options.host ?? '127.0.0.1';
  const address = `udp://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
  const policy = retryWithBackoff<Rep>(options.retry);
  const codec = options.codec ?? (chunkCodec() as unknown as Codec<F, Req>);
  const reply = options.reply ?? ((frame: F) => (isOverlong(frame) ? undefined : (frame as unknown as Rep)));
  const recent = options.recentPorts ?? PROCESS_RECENT_PORTS;

  return defer(() => {
    // Encoded once, before any socket is opened: a message the codec refuses errors at once.
    const bytes = codec.encode(message);
    let draws = 0;
    return defer(() => {
      options.onSocketOpened?.();
      return openUdp({ host, port: options.port, onClosed: options.onSocketClosed });
    }).pipe(
      catchError((err: unknown) => throwError(() => udpConnectionError(address, err))),
      map((socket) => {
        draws += 1;
        if (recent.has(socket.local.port) && draws < MAX_PORT_DRAWS) throw new PortInQuarantine();
        recent.add(socket.local.port);
        return options.wiretap === undefined ? socket : wiretapUdpSocket(socket, options.wiretap);
      }),
      retry({ delay: (err: unknown) => (err instanceof PortInQuarantine ? of(0) : throwError(() => err)) }),
      switchMap((socket) => exchange(socket, { message, payload: bytes, codec, reply }, address, options).pipe(policy)),
      take(1),
    );
  });
}

/** What one exchange sends and how it reads the answer. */
interface Exchange<F, Req, Rep> {
  readonly message: Req;
  readonly payload: string | Uint8Array;
  readonly codec: Pick<Codec<F, Req>, 'decode'>;
  readonly reply: (frame: F) => Rep | undefined;
}

/** One attempt: listen for a reply from the peer, then send the request. */
function exchange<F, Req, Rep>(socket: UdpClientSocket, request: Exchange<F, Req, Rep>, address: string, options: UdpRequestOptions<F, Req, Rep>): Observable<Rep> {
  let attempt = 0;
  return defer(() => {
    attempt += 1;
    const current = attempt;
    return merge(
      socket.messages$,
      defer(() => {
        socket.send(request.payload);
        options.onSend?.(request.message, current);
        return EMPTY;
      }),
    ).pipe(
      catchError((err: unknown) => throwError(() => udpConnectionError(address, err))),
      mergeMap((data) => datagramReplies(data, request.codec, request.reply)),
      take(1),
    );
  });
}
