import type { Observable } from 'rxjs';
import type { CalcReply, CalcRequest } from '../protocol/types.js';
import { isStreamTransport } from '../../transport/Transport.js';
import { resolveCalcClientOptions, type CalcClientInput, type CalcClientOptions } from './calcClientOptions.js';
import { calcClientOver } from './calcClientOver.js';
import { calcOverTcp } from './calcOverTcp.js';
import { calcOverUdp } from './calcOverUdp.js';

/** A calc client: requests in, typed replies out, over TCP, UDP, TLS or a Unix socket, with the timeout and retry policy. */
export interface CalcClient extends AsyncDisposable {
  /** Where it sends, e.g. `udp://127.0.0.1:9000`, `tls://[::1]:9443`, `unix:/tmp/calc.sock`. */
  readonly address: string;
  /** The resolved options. */
  readonly options: Readonly<CalcClientOptions>;
  /**
   * Sends a request (a CalcRequest, or a line sent as it is) and emits its reply, then completes:
   * `300,-1` is a reply like any other. Errors with an RxnetTimeoutError when the policy gives
   * up, an RxnetConnectionError when the server cannot be reached (`info.final` when retrying
   * will not help), an RxnetProtocolError for a malformed TCP reply, an RxnetInvalidOptionError
   * for a line containing `\n`, an RxnetClosedError after close(). Unsubscribing cancels it.
   */
  request(request: CalcRequest | string): Observable<CalcReply>;
  /** TCP, TLS, Unix: opens the connection now, rejecting with the final RxnetConnectionError if it cannot. UDP: resolves at once. */
  connect(): Promise<void>;
  /** Cancels every request in flight (RxnetClosedError) and closes every socket; same promise on every call. */
  close(): Promise<void>;
}

/**
 * Creates a calc client. Over UDP each request gets its own socket (see udpRequest); over TCP,
 * TLS (`ca` to trust a private or self-signed certificate) and Unix sockets (`path`) the requests
 * share the sessions of one createTcpClient, one attempt per subscription. Each request runs
 * under `retryWithBackoff(options.retry)`. A TLS server whose certificate is not trusted fails
 * the first request at once with a final RxnetConnectionError.
 *
 * Example:
 * ```ts
 * const client = createCalcClient({ transport: 'udp', port: 9000, retry: { initial: 100, max: 2000 } });
 * try {
 *   const reply = await firstValueFrom(client.request({ op: '+', a: 1, b: 1 })); // { code: 200, value: 2, text: '200,2' }
 * } finally {
 *   await client.close();
 * }
 * const overTls = createCalcClient({ transport: 'tls', host: 'localhost', port: 9443, ca: readFileSync('cert.pem') });
 * ```
 *
 * @param options merged over CALC_CLIENT_DEFAULTS: tcp, 127.0.0.1:9000, retry RETRY_DEFAULTS.
 * @throws RxnetInvalidOptionError for a bad option, naming it.
 * @see udpRequest, createTcpClient, retryWithBackoff, calcClientOver
 */
export function createCalcClient(options: CalcClientInput = {}): CalcClient {
  const resolved = resolveCalcClientOptions(options);
  const { transport: name } = resolved;
  const transport = isStreamTransport(name) ? calcOverTcp({ ...resolved, transport: name }) : calcOverUdp(resolved);
  return calcClientOver(transport, resolved);
}

