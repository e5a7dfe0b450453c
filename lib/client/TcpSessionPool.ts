import { Observable, ReplaySubject, Subscription, type SchedulerLike } from 'rxjs';
import { RxnetConnectionError, isConnectionError } from '../errors.js';
import {
  CONNECTION_STATE_CLOSED,
  CONNECTION_STATE_CONNECTED,
  CONNECTION_STATE_CONNECTING,
  CONNECTION_STATE_FAILED,
  CONNECTION_STATE_IDLE,
  CONNECTION_STATE_RECONNECTING,
  type ConnectionState,
} from './ConnectionState.js';
import { connectEndpoint, type EndpointHooks } from './connectEndpoint.js';
import { sessionSlot } from './sessionSlot.js';
import type { TcpClientOptions } from './tcpClientOptions.js';
import type { TcpSession, TcpSessionInfo, TcpSessionOptions } from './TcpSession.js';
import type { TcpConnection } from '../transport/TcpConnection.js';

/** What a {@link TcpSessionPool}'s sessions are made of, beside the client's options. */
export interface TcpSessionPoolWiring {
  /** How each session frames replies and encodes requests (its address is the pool's). */
  readonly session: Omit<TcpSessionOptions, 'address' | 'scheduler'>;
  /** Opens one connection. Defaults to connectEndpoint (the client's transport); a fake one in marble tests. */
  readonly connect?: ((options: Readonly<TcpClientOptions>, hooks: EndpointHooks) => Observable<TcpConnection>) | undefined;
  /** Where the connect timeout, the reconnect waits and the sessions' reply timers run. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike | undefined;
}

/** What a {@link TcpSessionPool} tells its owner. */
export interface TcpSessionPoolHooks {
  /** A session opened, or a slot of some window was freed: queued requests may be sent. */
  readonly onRoom: () => void;
  /** Every slot gave up: the pool has failed with this final error. */
  readonly onFailed: (failure: RxnetConnectionError) => void;
}

/**
 * The connections of one TCP client: up to `sessions` slots (see sessionSlot), each keeping one
 * live {@link TcpSession} and replacing it when it ends, and the connection state they add up to.
 * Opened lazily by {@link TcpSessionPool.fill}. When every slot has given up, the pool has
 * failed (`failure`) until {@link TcpSessionPool.restart}. Internal to createTcpClient.
 *
 * Every timer of the pool (connect timeout, reconnect waits, the sessions' reply framing) runs on
 * `wiring.scheduler`, and connections come from `wiring.connect`, so the whole pool runs in a
 * marble test over fake connections.
 *
 * Example: `const pool = new TcpSessionPool(options, 'tcp://127.0.0.1:9000', { onRoom, onFailed }, { session }); pool.fill();`
 */
export class TcpSessionPool {
  readonly state$: Observable<ConnectionState>;
  readonly sessions$: Observable<readonly TcpSessionInfo[]>;
  /** The final error once every slot gave up, until restart(). */
  failure: RxnetConnectionError | undefined;
  private currentState: ConnectionState = CONNECTION_STATE_IDLE;
  private readonly states = new ReplaySubject<ConnectionState>(1);
  private readonly sessionLists = new ReplaySubject<readonly TcpSessionInfo[]>(1);
  private readonly live: TcpSession[] = [];
  private readonly slots = new Set<Subscription>();
  private everConnected = false;
  private lastSessionId = 0;
  private openSockets = 0;
  private closed = false;
  private allSocketsClosed: () => void = () => {};

  constructor(
    private readonly options: Readonly<TcpClientOptions>,
    private readonly address: string,
    private readonly hooks: TcpSessionPoolHooks,
    private readonly wiring: TcpSessionPoolWiring,
  ) {
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

  /** Opens slots up to `sessions`, unless closed or failed. */
  fill(): void {
    if (this.slots.size === 0 && this.live.length === 0) this.everConnected = false;
    while (!this.closed && this.failure === undefined && this.slots.size < this.options.sessions) this.openSlot();
    this.updateState();
  }

  /** Forgets a failure and opens the slots again. */
  restart(): void {
    this.failure = undefined;
    this.fill();
  }

  /** The live session with room in its window and the fewest requests in flight (then the fewest sent). */
  leastLoaded(): TcpSession | undefined {
    let best: TcpSession | undefined;
    for (const session of this.live) {
      if (!session.alive || session.inFlight >= this.options.maxInFlight) continue;
      if (best === undefined || session.inFlight < best.inFlight || (session.inFlight === best.inFlight && session.requestCount < best.requestCount)) {
        best = session;
      }
    }
    return best;
  }

  /** Destroys every session whose full window holds only cancelled requests; its slot reconnects at once. */
  retireStalled(): void {
    for (const session of [...this.live]) {
      if (session.inFlight >= this.options.maxInFlight && session.active === 0) session.destroy();
    }
  }

  /** Destroys every session (their requests error with an RxnetClosedError) and attempt; resolves once every socket has closed. */
  close(): Promise<void> {
    this.closed = true;
    const socketsClosed = new Promise<void>((resolve) => {
      this.allSocketsClosed = resolve;
    });
    for (const slot of [...this.slots]) slot.unsubscribe();
    this.slots.clear();
    this.updateState();
    this.states.complete();
    this.sessionLists.complete();
    if (this.openSockets === 0) this.allSocketsClosed();
    return socketsClosed;
  }

  private openSlot(): void {
    const slot = new Subscription();
    this.slots.add(slot);
    const { options } = this;
    const { connect = connectEndpoint, scheduler } = this.wiring;
    const session$ = sessionSlot({
      connect: (hooks) => connect(options, hooks),
      connectTimeout: options.connectTimeout,
      reconnect: options.reconnect,
      session: { ...this.wiring.session, address: this.address, scheduler },
      ...(scheduler === undefined ? {} : { scheduler }),
      hooks: { onSlotFreed: () => this.hooks.onRoom(), onEnd: (session) => this.removeSession(session) },
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
    this.hooks.onRoom();
  }

  private removeSession(session: TcpSession): void {
    const index = this.live.indexOf(session);
    if (index === -1) return;
    this.live.splice(index, 1);
    if (!this.closed) this.sessionLists.next([...this.live]);
    this.updateState();
  }

  /** A slot's reconnect schedule gave up. When it was the last slot, the pool has failed. */
  private onSlotGaveUp(err: unknown): void {
    if (this.slots.size > 0 || this.closed) return;
    const failure = isConnectionError(err)
      ? err
      : new RxnetConnectionError(`Cannot connect to ${this.address}`, { address: this.address, final: true }, { cause: err });
    this.failure = failure;
    this.updateState();
    this.hooks.onFailed(failure);
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
}

