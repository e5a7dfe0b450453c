import { defer, map, Observable, type MonoTypeOperatorFunction, type Subscriber } from 'rxjs';
import { RxnetClosedError, RxnetInvalidOptionError, RxnetProtocolError } from '../errors.js';
import { retryWithBackoff } from '../operators/retryWithBackoff.js';
import { encodeRequest } from '../protocol/encodeRequest.js';
import { parseReply } from '../protocol/parseReply.js';
import type { CalcReply, CalcRequest } from '../protocol/types.js';
import { checkRequestLine } from './checkRequestLine.js';
import { resolveCalcClientOptions, type CalcClientInput, type CalcClientOptions } from './calcClientOptions.js';
import { RecentPorts } from './RecentPorts.js';
import { createTcpClient, type TcpClient } from './tcpClient.js';
import { udpRequest } from './udpRequest.js';

/** A calc client: requests in, typed replies out, over TCP or UDP, with the timeout and retry policy. */
export interface CalcClient extends AsyncDisposable {
  /** Where it sends, e.g. `udp://127.0.0.1:9000`. */
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
  /** TCP: opens the connection now, rejecting with the final RxnetConnectionError if it cannot. UDP: resolves at once. */
  connect(): Promise<void>;
  /** Cancels every request in flight (RxnetClosedError) and closes every socket; same promise on every call. */
  close(): Promise<void>;
}

/**
 * Creates a calc client. Over UDP each request gets its own socket (see udpRequest); over TCP the
 * requests share the sessions of one createTcpClient, one attempt per subscription. Each request
 * runs under `retryWithBackoff(options.retry)`.
 *
 * Example:
 * ```ts
 * await using client = createCalcClient({ transport: 'udp', port: 9000, retry: { initial: 100, max: 2000 } });
 * const reply = await firstValueFrom(client.request({ op: '+', a: 1, b: 1 })); // { code: 200, value: 2, text: '200,2' }
 * ```
 *
 * @param options merged over CALC_CLIENT_DEFAULTS: tcp, 127.0.0.1:9000, retry RETRY_DEFAULTS.
 * @throws RxnetInvalidOptionError for a bad option, naming it.
 * @see udpRequest, createTcpClient, retryWithBackoff
 */
export function createCalcClient(options: CalcClientInput = {}): CalcClient {
  const resolved = resolveCalcClientOptions(options);
  return resolved.transport === 'tcp' ? new TcpCalcClient(resolved) : new UdpCalcClient(resolved);
}

/** Shared by both transports: line checking, cancellation on close. */
abstract class BaseCalcClient implements CalcClient {
  abstract readonly address: string;
  protected closed = false;
  private readonly inFlight = new Set<Subscriber<CalcReply>>();
  private closing: Promise<void> | undefined;

  constructor(readonly options: Readonly<CalcClientOptions>) {}

  request(request: CalcRequest | string): Observable<CalcReply> {
    const line = typeof request === 'string' ? request : encodeRequest(request);
    return new Observable<CalcReply>((subscriber) => {
      const refusal = checkRequestLine(line) ?? (this.closed ? this.closedError() : undefined);
      if (refusal !== undefined) {
        subscriber.error(refusal);
        return undefined;
      }
      this.inFlight.add(subscriber);
      const subscription = this.send(line).subscribe(subscriber);
      return () => {
        this.inFlight.delete(subscriber);
        subscription.unsubscribe();
      };
    });
  }

  abstract connect(): Promise<void>;

  close(): Promise<void> {
    this.closing ??= (() => {
      this.closed = true;
      const reason = this.closedError();
      for (const subscriber of [...this.inFlight]) subscriber.error(reason);
      return this.release();
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The request's reply, under the retry policy. */
  protected abstract send(line: string): Observable<CalcReply>;
  /** Releases the transport once every request is cancelled. */
  protected abstract release(): Promise<void>;

  private closedError(): RxnetClosedError {
    return new RxnetClosedError({ what: `calc client for ${this.address}` });
  }
}

class UdpCalcClient extends BaseCalcClient {
  readonly address: string;
  private readonly recentPorts = new RecentPorts();
  private openSockets = 0;
  private allClosed: (() => void) | undefined;

  constructor(options: Readonly<CalcClientOptions>) {
    super(options);
    this.address = `udp://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  protected send(line: string): Observable<CalcReply> {
    return udpRequest(line, {
      host: this.options.host,
      port: this.options.port,
      retry: this.options.retry,
      recentPorts: this.recentPorts,
      onSend: this.options.onAttempt,
      onSocketOpened: () => {
        this.openSockets += 1;
      },
      onSocketClosed: () => {
        this.openSockets -= 1;
        if (this.openSockets === 0) this.allClosed?.();
      },
    });
  }

  protected release(): Promise<void> {
    if (this.openSockets === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.allClosed = resolve;
    });
  }
}

class TcpCalcClient extends BaseCalcClient {
  readonly address: string;
  private readonly tcp: TcpClient;
  private readonly policy: MonoTypeOperatorFunction<string>;

  constructor(options: Readonly<CalcClientOptions>) {
    super(options);
    this.tcp = withPrefix('tcp', () => createTcpClient({ ...options.tcp, host: options.host, port: options.port }));
    this.address = this.tcp.address;
    this.policy = retryWithBackoff<string>(options.retry);
  }

  connect(): Promise<void> {
    return this.tcp.connect();
  }

  protected send(line: string): Observable<CalcReply> {
    let attempt = 0;
    return defer(() => {
      attempt += 1;
      this.options.onAttempt?.(line, attempt);
      return this.tcp.request(line);
    }).pipe(this.policy, map(toReply));
  }

  protected release(): Promise<void> {
    return this.tcp.close();
  }
}

/** Runs `create`, naming a bad option `prefix.option` in the error it throws. */
function withPrefix<T>(prefix: string, create: () => T): T {
  try {
    return create();
  } catch (err) {
    if (!(err instanceof RxnetInvalidOptionError) || err.info.option === 'host' || err.info.option === 'port') throw err;
    const option = `${prefix}.${err.info.option}`;
    throw new RxnetInvalidOptionError({ ...err.info, option }, err.message.startsWith('Unknown option') ? `Unknown option ${option}` : undefined);
  }
}

/** A TCP reply text as a CalcReply (the TCP client already rejects malformed ones). */
function toReply(text: string): CalcReply {
  const parsed = parseReply(text);
  if (parsed.ok) return parsed.reply;
  throw new RxnetProtocolError(`Malformed reply ${parsed.reason}`, { received: text });
}
