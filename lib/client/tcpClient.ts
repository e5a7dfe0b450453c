import { filter, firstValueFrom, Observable, type SchedulerLike, type Subscriber } from 'rxjs';
import { checkCodecOptions } from '../codec/checkCodecOptions.js';
import type { Codec } from '../codec/Codec.js';
import { isConnectionError, isOutOfStepError, RxnetClosedError, type RxnetConnectionError } from '../errors.js';
import type { OverlongFrame } from '../framing/Frame.js';
import { formatEndpoint } from '../transport/SocketAddress.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import { codecReplies } from './codecReplies.js';
import { CONNECTION_STATE_CLOSED, CONNECTION_STATE_CONNECTED, CONNECTION_STATE_FAILED, type ConnectionState } from './ConnectionState.js';
import type { EndpointHooks } from './connectEndpoint.js';
import { encodeRequestLine } from './encodeRequestLine.js';
import { lineReplies } from './lineReplies.js';
import { resolveTcpClientOptions, type TcpClientInput, type TcpClientOptions } from './tcpClientOptions.js';
import { TcpSessionPool, type TcpSessionPoolWiring } from './TcpSessionPool.js';
import type { TcpSession, TcpSessionInfo } from './TcpSession.js';

/** What createTcpClient takes beside its validated options: the clock and the connector. */
export interface TcpClientWiring {
  /**
   * Where every timer of the client runs: connect timeouts, reconnect waits, the reply framing's
   * quiet gap and stall. Defaults to RxJS's `asyncScheduler`; a TestScheduler in marble tests.
   */
  readonly scheduler?: SchedulerLike;
  /** Opens one connection to the server. Defaults to the transport's connector (connectTcp, connectTls); a fake one in tests. */
  readonly connect?: (options: Readonly<TcpClientOptions>, hooks: EndpointHooks) => Observable<TcpConnection>;
}

/**
 * What createTcpClient takes for any protocol: a `codec` instead of the calc client's lines
 * (`framing`, `replyGap` and `maxReplyLength` frame lines only, so they are refused beside it),
 * and `isReply` of a decoded reply. `Req` is what a request is, `Rep` what a reply decodes to.
 */
export type TcpCodecClientInput<Req, Rep> = Omit<TcpClientInput, 'isReply' | 'framing' | 'replyGap' | 'maxReplyLength'> &
  TcpClientWiring & {
    /** How requests are encoded and replies decoded: `lengthFieldCodec()`, `lineCodec()`, your own. */
    readonly codec: Codec<Rep | OverlongFrame, Req>;
    /** True when a decoded reply is well formed; anything else is an RxnetProtocolError and ends the session. Defaults to every reply. */
    readonly isReply?: (reply: Rep) => boolean;
  };

/** A stream client: a pool of sessions to one server, requests matched to replies in order. `Req` is a request, `Rep` a reply (both text lines by default). */
export interface TcpClient<Req = string, Rep = string> extends AsyncDisposable {
  /**
   * One attempt: on subscribe, queues the request, encoded (by default `line + "\n"`), and sends
   * it on the least-loaded live session once its window has room; emits the reply (by default
   * the text without newline) and completes.
   * Errors with a transient RxnetConnectionError if the session dies first, a final one
   * (`info.final`) when the client gave up connecting, an RxnetProtocolError for a malformed
   * reply, an RxnetInvalidRequestError for a line with a `\n` (with a codec: whatever its encoder
   * throws, an RxnetFramingError), an RxnetClosedError after close().
   * One exception to "dies first": a request written on a reused, idle session that the server
   * closes before sending anything back is queued again, once, for another session (see
   * createTcpClient): it was most likely written after the server had closed, before the close
   * could be read.
   * Unsubscribing cancels: a queued request is dropped; a sent one keeps its slot, and its reply
   * is discarded, never given to another request.
   */
  request(message: Req): Observable<Rep>;
  /** The connection state, one of the CONNECTION_STATE_* constants; replays the current one; completes on close. */
  readonly state$: Observable<ConnectionState>;
  /** The current connection state. */
  readonly state: ConnectionState;
  /** The live sessions, replayed, on every change (opened or removed); completes on close. */
  readonly sessions$: Observable<readonly TcpSessionInfo[]>;
  /** How many sessions are live now. */
  readonly sessionCount: number;
  /** Where it connects, e.g. `tcp://127.0.0.1:9000`, `tls://[::1]:9443`, `unix:/tmp/calc.sock`. */
  readonly address: string;
  /** The resolved options. */
  readonly options: Readonly<TcpClientOptions>;
  /**
   * Opens the sessions now rather than on the first request (and, after a failure, starts
   * over). Resolves once one session is open; rejects with the final RxnetConnectionError if
   * none can be opened, or an RxnetClosedError if the client is closed first.
   */
  connect(): Promise<void>;
  /** Closes every socket and clears every timer at once; queued and in-flight requests error with an RxnetClosedError. Same promise on every call. */
  close(): Promise<void>;
}

/** A request waiting in the queue for a window. */
interface Pending {
  /** The request, encoded. */
  readonly payload: string | Uint8Array;
  readonly subscriber: Subscriber<unknown>;
  /** True once it has been queued again after its session closed under it (see {@link mayResend}). */
  resent: boolean;
}

/**
 * Whether a request that errored with `err` on `session` may be queued again: it was written
 * while the session was reused (it had answered before) and idle (nothing else in flight), no
 * reply came after it, and the session ended because the server closed or reset it. That is the
 * keep-alive race: a server (its idle timeout, a restart, a shutdown) closes the connection
 * while the request is on its way, and the client learns of the close only after writing. The
 * server most likely never read it; calc requests are idempotent, so sending it again is safe,
 * as HTTP clients may for idempotent requests (RFC 9110, 9.2.2). Once only: a server that closes
 * on every request still fails it.
 */
function mayResend(pending: Pending, err: unknown, session: TcpSession, written: { readonly replies: number; readonly idle: boolean }): boolean {
  return (
    !pending.resent &&
    written.idle &&
    written.replies > 0 &&
    session.replyCount === written.replies &&
    err === session.endReason &&
    (isOutOfStepError(err) || (isConnectionError(err) && err.info.final !== true))
  );
}

/**
 * Creates a TCP client. Nothing is opened until the first request (or `connect()`); then it
 * keeps `sessions` connections open, replacing any that ends (see sessionSlot), until close().
 * Requests beyond every session's `maxInFlight` window wait in one FIFO queue; each goes to the
 * live session with the fewest requests in flight. A session whose window is full of cancelled
 * requests only, while requests wait and no other session has room, is retired and replaced:
 * an abandoned request can never hold the queue up forever. When the reconnect schedule gives up
 * on every session, queued requests error with the final error, and so does every later request,
 * until `connect()` is called again (the seed's "give up and let the user decide").
 *
 * A request that the server's close overtakes is sent again, once: when a session that has
 * answered before is idle, the server may close it (idle timeout, restart, shutdown) while a new
 * request is on its way, and the client reads the close only after writing. Such a request (the
 * only one in flight, nothing received after it, the session closed or reset by the server) goes
 * back to the head of the queue for the next session, and errors only if that one fails too; so
 * a server that has gone away is reported as the connection failure it is, not as a lost request.
 *
 * Replies are matched to requests in order (see TcpSession). With a `codec` (any protocol:
 * `createTcpClient({ port, codec: lengthFieldCodec() })`), requests are encoded and replies
 * decoded by it. Without one, requests are lines and replies newline-terminated lines: in the
 * default `framing: 'line'`, bytes without a newline are never a reply, however long the pause;
 * before the server's first newline, such bytes quiet for 500 ms drop the session with an error
 * that suggests chunk framing. `framing: 'chunk'` is for the seed's server (no newline): bytes
 * are a reply after `replyGap` ms of quiet while one request is outstanding, until the server
 * has sent this client a newline; from then on every session takes whole lines only.
 *
 * The connections are plain TCP by default; `transport: 'tls'` (with `ca` to trust a private or
 * self-signed certificate) or `transport: 'unix'` (with `path`) carry the same lines. A TLS
 * handshake that fails is final at once: retrying cannot make a certificate trusted.
 *
 * Example:
 * ```ts
 * const client = createTcpClient({ port: 9000, sessions: 4, maxInFlight: 16 });
 * // or createTcpClient({ transport: 'tls', host: 'localhost', port: 9443, ca: readFileSync('cert.pem') })
 * const reply = await firstValueFrom(client.request('+,1,1')); // '200,2'
 * await client.close();
 * ```
 *
 * @param options merged over TCP_CLIENT_DEFAULTS: tcp, 127.0.0.1:9000, 1 session, window 1, reconnect
 *   RECONNECT_DEFAULTS (gRPC's: 1 s, x1.6, cap 120 s, ±20 %, never giving up), reply gap 20 ms, connect timeout 5000 ms.
 * @throws RxnetInvalidOptionError for a bad option, naming it and what it allows.
 * @see TcpSessionPool, TcpSession, sessionSlot, reconnectDelay, createRequestClient
 */
export function createTcpClient(options?: TcpClientInput & TcpClientWiring): TcpClient;
export function createTcpClient<Req, Rep>(options: TcpCodecClientInput<Req, Rep>): TcpClient<Req, Rep>;
export function createTcpClient<Req, Rep>(options: Partial<TcpCodecClientInput<Req, Rep>> | (TcpClientInput & TcpClientWiring) = {}): TcpClient<Req, Rep> {
  const { scheduler, connect, ...rest } = options;
  checkCodecOptions(rest, ['framing', 'replyGap', 'maxReplyLength']);
  if ('codec' in rest && rest.codec !== undefined) {
    const { codec, isReply, ...validated } = rest as TcpCodecClientInput<Req, Rep>;
    const session = { replies: codecReplies(codec), encode: codec.encode, isReply: isReply as ((reply: unknown) => boolean) | undefined };
    return new PooledTcpClient<Req, Rep>(resolveTcpClientOptions(validated), { session, scheduler, connect });
  }
  const resolved = resolveTcpClientOptions(rest as TcpClientInput);
  // One reader for all the sessions: they share what is known of the server's newlines.
  const replies = lineReplies({ maxReplyLength: resolved.maxReplyLength, framing: resolved.framing, replyGap: resolved.replyGap });
  const session = { replies, encode: encodeRequestLine as (message: unknown) => string, isReply: resolved.isReply as (reply: unknown) => boolean };
  return new PooledTcpClient<Req, Rep>(resolved, { session, scheduler, connect });
}

/** `tcp://127.0.0.1:9000`, `tls://[::1]:9443` or `unix:/tmp/calc.sock`, for messages. */
function streamAddress(options: Readonly<TcpClientOptions>): string {
  return formatEndpoint(options);
}

class PooledTcpClient<Req, Rep> implements TcpClient<Req, Rep> {
  readonly address: string;
  readonly state$: Observable<ConnectionState>;
  readonly sessions$: Observable<readonly TcpSessionInfo[]>;
  private readonly pool: TcpSessionPool;
  /** Insertion-ordered: the FIFO queue of requests waiting for a window. */
  private readonly queue = new Set<Pending>();
  private closed = false;
  private closing: Promise<void> | undefined;
  private dispatching = false;
  private dispatchAgain = false;

  private readonly encode: (message: Req) => string | Uint8Array;

  constructor(
    readonly options: Readonly<TcpClientOptions>,
    wiring: TcpSessionPoolWiring,
  ) {
    this.address = streamAddress(options);
    this.encode = (message) => wiring.session.encode(message);
    this.pool = new TcpSessionPool(
      options,
      this.address,
      { onRoom: () => this.dispatch(), onFailed: (failure) => this.failQueued(failure) },
      wiring,
    );
    this.state$ = this.pool.state$;
    this.sessions$ = this.pool.sessions$;
  }

  get state(): ConnectionState {
    return this.pool.state;
  }

  get sessionCount(): number {
    return this.pool.sessionCount;
  }

  request(message: Req): Observable<Rep> {
    return new Observable<Rep>((subscriber) => {
      let payload: string | Uint8Array;
      try {
        payload = this.encode(message);
      } catch (err) {
        subscriber.error(err);
        return undefined;
      }
      const refusal = this.closed ? this.closedError() : this.pool.failure;
      if (refusal !== undefined) {
        subscriber.error(refusal);
        return undefined;
      }
      // The session's replies are this client's codec's, so of type Rep.
      const pending: Pending = { payload, subscriber: subscriber as Subscriber<unknown>, resent: false };
      this.queue.add(pending);
      this.pool.fill();
      this.dispatch();
      return () => this.queue.delete(pending);
    });
  }

  connect(): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    this.pool.restart();
    return firstValueFrom(
      this.state$.pipe(filter((state) => state === CONNECTION_STATE_CONNECTED || state === CONNECTION_STATE_FAILED || state === CONNECTION_STATE_CLOSED)),
    ).then((state) => {
      if (state === CONNECTION_STATE_CONNECTED) return;
      throw state === CONNECTION_STATE_FAILED && this.pool.failure !== undefined ? this.pool.failure : this.closedError();
    });
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      this.closed = true; // first: a request retried from the errors below is refused
      const socketsClosed = this.pool.close(); // in-flight requests error as their sessions are destroyed
      const waiting = [...this.queue];
      this.queue.clear();
      const reason = this.closedError();
      for (const pending of waiting) pending.subscriber.error(reason);
      this.closing = socketsClosed;
    }
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private failQueued(failure: RxnetConnectionError): void {
    const waiting = [...this.queue];
    this.queue.clear();
    for (const pending of waiting) pending.subscriber.error(failure);
  }

  /** Sends queued requests while some live session's window has room. Re-entrant calls loop instead of nesting. */
  private dispatch(): void {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.dispatchAgain = false;
        this.sendQueued();
      } while (this.dispatchAgain);
    } finally {
      this.dispatching = false;
    }
  }

  private sendQueued(): void {
    for (const pending of this.queue) {
      const session = this.pool.leastLoaded();
      if (session === undefined) {
        this.pool.retireStalled();
        return;
      }
      this.queue.delete(pending);
      const { subscriber } = pending;
      const written = { replies: session.replyCount, idle: session.inFlight === 0 };
      subscriber.add(
        session.send(pending.payload).subscribe({
          next: (reply) => subscriber.next(reply),
          error: (err: unknown) => (mayResend(pending, err, session, written) ? this.resend(pending) : subscriber.error(err)),
          complete: () => subscriber.complete(),
        }),
      );
    }
  }

  /** Puts a request whose session closed under it at the head of the queue, for the next session with room. */
  private resend(pending: Pending): void {
    const refusal = this.closed ? this.closedError() : this.pool.failure;
    if (refusal !== undefined) {
      pending.subscriber.error(refusal);
      return;
    }
    pending.resent = true;
    const waiting = [...this.queue];
    this.queue.clear();
    for (const each of [pending, ...waiting]) this.queue.add(each);
    this.pool.fill();
    this.dispatch();
  }

  private closedError(): RxnetClosedError {
    return new RxnetClosedError({ what: `tcp client for ${this.address}` });
  }
}
