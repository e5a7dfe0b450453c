import { isIPv6 } from 'node:net';
import { filter, firstValueFrom, Observable, ReplaySubject, Subscription, type Subscriber } from 'rxjs';
import { RxnetClosedError, RxnetConnectionError, isConnectionError } from '../errors.js';
import { formatAddress } from '../transport/SocketAddress.js';
import { checkRequestLine } from './checkRequestLine.js';
import {
  CONNECTION_STATE_CLOSED,
  CONNECTION_STATE_CONNECTED,
  CONNECTION_STATE_CONNECTING,
  CONNECTION_STATE_FAILED,
  CONNECTION_STATE_IDLE,
  CONNECTION_STATE_RECONNECTING,
  type ConnectionState,
} from './ConnectionState.js';
import type { ReplyTermination } from './replyFrames.js';
import { sessionSlot } from './sessionSlot.js';
import { resolveTcpClientOptions, type TcpClientInput, type TcpClientOptions } from './tcpClientOptions.js';
import type { TcpSession, TcpSessionInfo } from './TcpSession.js';

/** A TCP client: a pool of sessions to one server, requests matched to replies in order. */
export interface TcpClient extends AsyncDisposable {
  /**
   * One attempt: on subscribe, queues `line` and sends `line + "\n"` on the least-loaded live
   * session once its window has room; emits the reply text (without newline) and completes.
   * Errors with a transient RxnetConnectionError if the session dies first, a final one
   * (`info.final`) when the client gave up connecting, an RxnetProtocolError for a malformed
   * reply, an RxnetInvalidOptionError for a line with a `\n`, an RxnetClosedError after close().
   * Unsubscribing cancels: a queued request is dropped; a sent one keeps its slot, and its reply
   * is discarded, never given to another request.
   */
  request(line: string): Observable<string>;
  /** The connection state, one of the CONNECTION_STATE_* constants; replays the current one; completes on close. */
  readonly state$: Observable<ConnectionState>;
  /** The current connection state. */
  readonly state: ConnectionState;
  /** The live sessions, replayed, on every change (opened or removed); completes on close. */
  readonly sessions$: Observable<readonly TcpSessionInfo[]>;
  /** How many sessions are live now. */
  readonly sessionCount: number;
  /** Where it connects, e.g. `tcp://127.0.0.1:9000`. */
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

/** A request waiting for a window, or sent: its subscriber and, once sent, its inner subscription. */
interface Pending {
  readonly line: string;
  readonly subscriber: Subscriber<string>;
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
 * Replies are newline-terminated lines, matched to requests in order (see TcpSession). For the
 * seed's server, which sends no newline, bytes are taken as a reply after `replyGap` ms of quiet
 * while one request is outstanding on the session, but only until the server has sent this
 * client a newline: from then on every session takes whole lines only. So a reply split across
 * writes can be taken in part only before the first newline, and only after a pause longer than
 * the gap; `replyGap: 0` rules that out against a server known to terminate its replies.
 *
 * Example:
 * ```ts
 * await using client = createTcpClient({ port: 9000, sessions: 4, maxInFlight: 16 });
 * const reply = await firstValueFrom(client.request('+,1,1')); // '200,2'
 * ```
 *
 * @param options merged over TCP_CLIENT_DEFAULTS: 127.0.0.1:9000, 1 session, window 1, reconnect
 *   `{ initial: 100, factor: 2, max: 2000 }` ms, reply gap 20 ms, connect timeout 5000 ms.
 * @throws RxnetInvalidOptionError for a bad option, naming it and what it allows.
 * @see TcpSession, sessionSlot, reconnectDelay
 */
export function createTcpClient(options: TcpClientInput = {}): TcpClient {
  return new PooledTcpClient(resolveTcpClientOptions(options));
}

class PooledTcpClient implements TcpClient {
  readonly address: string;
  readonly state$: Observable<ConnectionState>;
  readonly sessions$: Observable<readonly TcpSessionInfo[]>;
  private currentState: ConnectionState = CONNECTION_STATE_IDLE;
  private readonly states = new ReplaySubject<ConnectionState>(1);
  private readonly sessionLists = new ReplaySubject<readonly TcpSessionInfo[]>(1);
  private live: TcpSession[] = [];
  private readonly slots = new Set<Subscription>();
  /** Insertion-ordered: the FIFO queue of requests waiting for a window. */
  private readonly queue = new Set<Pending>();
  private failure: RxnetConnectionError | undefined;
  private everConnected = false;
  private lastSessionId = 0;
  private openSockets = 0;
  private closed = false;
  private closing: Promise<void> | undefined;
  private allSocketsClosed: () => void = () => {};
  private dispatching = false;
  private dispatchAgain = false;
  /** Once any session has seen a newline, no session takes unterminated bytes as a reply. */
  private readonly termination: ReplyTermination = { terminated: false };

  constructor(readonly options: Readonly<TcpClientOptions>) {
    const family = isIPv6(options.host) ? 'IPv6' : 'IPv4';
    this.address = `tcp://${formatAddress({ address: options.host, port: options.port, family })}`;
    this.state$ = this.states.asObservable();
    this.sessions$ = this.sessionLists.asObservable();
    this.states.next(this.currentState);
    this.sessionLists.next([]);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get sessionCount(): number {
    return this.live.length;
  }

  request(line: string): Observable<string> {
    return new Observable<string>((subscriber) => {
      const refusal = checkRequestLine(line) ?? (this.closed ? this.closedError() : this.failure);
      if (refusal !== undefined) {
        subscriber.error(refusal);
        return undefined;
      }
      const pending: Pending = { line, subscriber };
      this.queue.add(pending);
      this.fillSlots();
      this.dispatch();
      return () => this.queue.delete(pending);
    });
  }

  connect(): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    this.failure = undefined;
    this.fillSlots();
    return firstValueFrom(
      this.state$.pipe(filter((state) => state === CONNECTION_STATE_CONNECTED || state === CONNECTION_STATE_FAILED || state === CONNECTION_STATE_CLOSED)),
    ).then((state) => {
      if (state === CONNECTION_STATE_CONNECTED) return;
      throw state === CONNECTION_STATE_FAILED && this.failure !== undefined ? this.failure : this.closedError();
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private shutdown(): Promise<void> {
    this.closed = true;
    const socketsClosed = new Promise<void>((resolve) => {
      this.allSocketsClosed = resolve;
    });
    const reason = this.closedError();
    const waiting = [...this.queue];
    this.queue.clear();
    for (const slot of [...this.slots]) slot.unsubscribe(); // destroys sessions (their requests error) and attempts
    this.slots.clear();
    for (const pending of waiting) pending.subscriber.error(reason);
    this.updateState();
    this.states.complete();
    this.sessionLists.complete();
    if (this.openSockets === 0) this.allSocketsClosed();
    return socketsClosed;
  }

  /** Opens slots up to `sessions` (lazily: called on request and connect). */
  private fillSlots(): void {
    if (this.slots.size === 0 && this.live.length === 0) this.everConnected = false;
    while (!this.closed && this.failure === undefined && this.slots.size < this.options.sessions) this.openSlot();
    this.updateState();
  }

  private openSlot(): void {
    const slot = new Subscription();
    this.slots.add(slot);
    const options = this.options;
    const session$ = sessionSlot({
      host: options.host,
      port: options.port,
      connectTimeout: options.connectTimeout,
      reconnect: options.reconnect,
      session: {
        address: this.address,
        maxReplyLength: options.maxReplyLength,
        replyGap: options.replyGap,
        isReply: options.isReply,
        termination: this.termination,
      },
      hooks: { onSlotFreed: () => this.dispatch(), onEnd: (session) => this.removeSession(session) },
      nextId: () => ++this.lastSessionId,
      onSocketOpened: () => {
        this.openSockets += 1;
      },
      onSocketClosed: () => {
        this.openSockets -= 1;
        if (this.closed && this.openSockets === 0) this.allSocketsClosed();
      },
    });
    slot.add(
      session$.subscribe({
        next: (session) => this.addSession(session),
        error: (err: unknown) => {
          this.slots.delete(slot);
          this.onSlotGaveUp(err);
        },
      }),
    );
  }

  private addSession(session: TcpSession): void {
    this.live.push(session);
    this.everConnected = true;
    this.sessionLists.next([...this.live]);
    this.updateState();
    this.dispatch();
  }

  private removeSession(session: TcpSession): void {
    const index = this.live.indexOf(session);
    if (index === -1) return;
    this.live.splice(index, 1);
    if (!this.closed) this.sessionLists.next([...this.live]);
    this.updateState();
  }

  /** A slot's reconnect schedule gave up. When it was the last slot, the client has failed. */
  private onSlotGaveUp(err: unknown): void {
    if (this.slots.size > 0 || this.closed) return;
    const failure = isConnectionError(err)
      ? err
      : new RxnetConnectionError(`Cannot connect to ${this.address}`, { address: this.address, final: true }, { cause: err });
    this.failure = failure;
    const waiting = [...this.queue];
    this.queue.clear();
    this.updateState();
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
      const session = this.leastLoaded() ?? this.retireStalled();
      if (session === undefined) return;
      this.queue.delete(pending);
      const { subscriber } = pending;
      subscriber.add(
        session.request(pending.line).subscribe({
          next: (reply) => subscriber.next(reply),
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
    }
  }

  /** The live session with room in its window and the fewest requests in flight (then the fewest sent). */
  private leastLoaded(): TcpSession | undefined {
    let best: TcpSession | undefined;
    for (const session of this.live) {
      if (!session.alive || session.inFlight >= this.options.maxInFlight) continue;
      if (best === undefined || session.inFlight < best.inFlight || (session.inFlight === best.inFlight && session.requestCount < best.requestCount)) {
        best = session;
      }
    }
    return best;
  }

  /** Retires every session whose full window holds only cancelled requests; its slot reconnects. */
  private retireStalled(): undefined {
    for (const session of [...this.live]) {
      if (session.inFlight >= this.options.maxInFlight && session.active === 0) session.destroy();
    }
    return undefined;
  }

  private updateState(): void {
    const next = this.computeState();
    if (next === this.currentState) return;
    this.currentState = next;
    this.states.next(next);
  }

  private computeState(): ConnectionState {
    if (this.closed) return CONNECTION_STATE_CLOSED;
    if (this.live.length > 0) return CONNECTION_STATE_CONNECTED;
    if (this.failure !== undefined) return CONNECTION_STATE_FAILED;
    if (this.slots.size === 0) return CONNECTION_STATE_IDLE;
    return this.everConnected ? CONNECTION_STATE_RECONNECTING : CONNECTION_STATE_CONNECTING;
  }

  private closedError(): RxnetClosedError {
    return new RxnetClosedError({ what: `tcp client for ${this.address}` });
  }
}
