import { catchError, defer, EMPTY, filter, map, merge, Observable, of, retry, switchMap, take, throwError } from 'rxjs';
import { RxnetConnectionError, TRANSIENT_SYSCALL_CODES } from '../errors.js';
import { retryWithBackoff } from '../operators/retryWithBackoff.js';
import type { RetryPolicy } from '../operators/retryPolicy.js';
import { parseReply, type ParsedReply } from '../protocol/parseReply.js';
import type { CalcReply } from '../protocol/types.js';
import { openUdp, type UdpClientSocket } from '../transport/openUdp.js';
import type { RecentPorts } from './RecentPorts.js';
import type { WiretapSettings } from '../observability/wireLogger.js';
import { wiretapUdpSocket } from './wiretapSockets.js';

/** Options of {@link udpRequest}. */
export interface UdpRequestOptions {
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
  /** Ports of earlier requests, never reused for this one (see RecentPorts). Defaults to none. */
  readonly recentPorts?: RecentPorts;
  /** Called with the request text each time a copy is sent (for logs and tests). */
  readonly onSend?: ((line: string, attempt: number) => void) | undefined;
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
 * Sends one calc request over UDP and emits its reply, then completes. Correlation by socket
 * (docs/protocol.md, "Correlation and retries"): the request gets a fresh socket on a fresh
 * ephemeral port, connected to the server; every copy the retry policy sends goes out from it,
 * so a reply to any copy answers this request (the calc protocol is deterministic); the socket
 * is closed when the request ends, so nothing meant for it can reach another request. Datagrams
 * from other addresses, and datagrams that are not a valid reply (`200,NUMBER` or `300,-1`), are
 * ignored. It listens before it sends. Works against any server: nothing is added to the wire.
 *
 * Errors: RxnetTimeoutError when the policy gives up; RxnetConnectionError, transient (so retried
 * by the policy), when the server's host reports nothing listening (`ECONNREFUSED`); one marked
 * `final` for any other socket error (a host that cannot be resolved, `EMSGSIZE`...).
 *
 * ```
 * subscribe -> open socket, send --(wait t)-- send --(wait 2t)--reply|  -> close socket
 * ```
 *
 * Example: `udpRequest('+,1,1', { port: 9000, retry: { initial: 100, max: 2000 } }).subscribe((r) => console.log(r.text))`
 *
 * @see retryWithBackoff, openUdp
 */
export function udpRequest(line: string, options: UdpRequestOptions): Observable<CalcReply> {
  const host = options.host ?? '127.0.0.1';
  const address = `udp://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
  const policy = retryWithBackoff<CalcReply>(options.retry);
  const recent = options.recentPorts;

  return defer(() => {
    let draws = 0;
    return defer(() => {
      options.onSocketOpened?.();
      return openUdp({ host, port: options.port, onClosed: options.onSocketClosed });
    }).pipe(
      catchError((err: unknown) => throwError(() => connectionError(address, err))),
      map((socket) => {
        draws += 1;
        if (recent !== undefined && recent.has(socket.local.port) && draws < MAX_PORT_DRAWS) throw new PortInQuarantine();
        recent?.add(socket.local.port);
        return options.wiretap === undefined ? socket : wiretapUdpSocket(socket, options.wiretap);
      }),
      retry({ delay: (err: unknown) => (err instanceof PortInQuarantine ? of(0) : throwError(() => err)) }),
      switchMap((socket) => exchange(socket, line, address, options).pipe(policy)),
      take(1),
    );
  });
}

const isValid = (parsed: ParsedReply): parsed is Extract<ParsedReply, { ok: true }> => parsed.ok;

/** One attempt: listen for a valid reply from the peer, then send the request. */
function exchange(socket: UdpClientSocket, line: string, address: string, options: UdpRequestOptions): Observable<CalcReply> {
  let attempt = 0;
  return defer(() => {
    attempt += 1;
    const current = attempt;
    return merge(
      socket.messages$,
      defer(() => {
        socket.send(line);
        options.onSend?.(line, current);
        return EMPTY;
      }),
    ).pipe(
      catchError((err: unknown) => throwError(() => connectionError(address, err))),
      map((data) => parseReply(data.toString('utf8'))),
      filter(isValid),
      map((parsed) => parsed.reply),
      take(1),
    );
  });
}

/**
 * Wraps a socket error as an RxnetConnectionError naming the server: transient (retried) for
 * ECONNREFUSED and the other TRANSIENT_SYSCALL_CODES, `final` for anything else (ENOTFOUND...).
 */
function connectionError(address: string, err: unknown): RxnetConnectionError {
  const code = (err as { code?: unknown } | null)?.code;
  const syscallCode = typeof code === 'string' ? code : undefined;
  const final = syscallCode === undefined || !TRANSIENT_SYSCALL_CODES.has(syscallCode);
  const message =
    syscallCode === 'ECONNREFUSED'
      ? `Nothing is listening at ${address} (ECONNREFUSED)`
      : `Cannot reach ${address}: ${err instanceof Error ? err.message : String(err)}`;
  return new RxnetConnectionError(
    message,
    { address, ...(syscallCode === undefined ? {} : { syscallCode }), ...(final ? { final: true } : {}) },
    { cause: err },
  );
}
