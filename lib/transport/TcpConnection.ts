import type { Socket } from 'node:net';
import { defer, Observable, of, Subject, take, type Subscriber, type TeardownLogic, type Unsubscribable } from 'rxjs';
import type { IdleSweep, IdleTracked } from './IdleSweep.js';
import type { QueuedReader, ReadBudget } from './ReadBudget.js';
import type { SocketAddress } from './SocketAddress.js';

/**
 * One accepted (or opened) stream connection: its inbound bytes as an observable and a way to
 * write back. It knows nothing of what the bytes mean.
 */
export interface TcpConnection {
  /** A number unique among the connections of one listener (the seed's "session id"). */
  readonly id: number;
  /** The peer's address. */
  readonly remote: SocketAddress;
  /** The underlying socket, for socket options (`setNoDelay`, `setKeepAlive`...). */
  readonly socket: Socket;
  /**
   * Inbound bytes. Completes when the peer ends its side (we may still write) or the socket
   * closes; errors with the socket's error (`ECONNRESET`...). Meant for one subscriber.
   */
  readonly data$: Observable<Buffer>;
  /**
   * Writes bytes to the peer. Writes made in the same tick are sent together. While the socket's
   * write buffer is over its high-water mark, reading pauses ('drain' resumes it) and no more
   * read bytes are handed on, so a peer that never reads cannot grow our memory. Ignored once the
   * socket is no longer writable.
   */
  send(data: string | Uint8Array): void;
  /**
   * Ends our side once pending writes are flushed (graceful); bytes the peer still sends are
   * read and discarded. Safe to call more than once.
   */
  end(): void;
  /**
   * Stops reading until the returned function is called (each hold is released once; reading
   * resumes when no hold is left). Backpressure uses it; so can a limit on requests in flight.
   */
  hold(): () => void;
  /**
   * A graceful stop: stops reading from the socket for good, while the bytes already read (those
   * waiting for their turn, and what Node had buffered) are still handed on to data$. Emits once
   * all of them have been (at once if none wait), then completes. Optional for other transports:
   * without it a graceful stop answers only what was framed.
   */
  stopReading?(): Observable<void>;
  /**
   * Closes the connection at once: what was sent before is handed to the socket first (it goes
   * out if the kernel takes it now), nothing after. Safe to call more than once.
   */
  destroy(): void;
}

/**
 * A connection's write-at-once (internal: see {@link sendNow}). A wrapper that keeps the
 * connection's own `send` may carry it over; one that replaces `send` must not.
 */
export const kSendNow = Symbol('rxnet.sendNow');

/** How text is written: `latin1` only for text the caller promises is ASCII (the same bytes as UTF-8). */
export type TextEncoding = 'latin1' | 'utf8';

/** A connection that can write at once (its own, or a wrapper that kept its `send`). */
export interface SendsNow {
  [kSendNow]?(data: string, encoding: TextEncoding): void;
}

/**
 * Sends `data` and writes it at once, with whatever was sent before it in this tick, instead
 * of on the next tick: for a caller that joined a read's replies into one string itself (the
 * fused path: one write per read, as plain Node does). Any other connection just sends it.
 * With `encoding` `latin1` the caller promises `data` is ASCII (written one byte per character:
 * the same bytes as UTF-8, without encoding them).
 *
 * Example: `sendNow(connection, '200,2\n200,6\n', 'latin1')`
 */
export function sendNow(connection: TcpConnection, data: string, encoding: TextEncoding = 'utf8'): void {
  const now = (connection as TcpConnection & SendsNow)[kSendNow];
  if (now === undefined) connection.send(data);
  else now.call(connection, data, encoding);
}

/** The connection a socket belongs to (as Node's `owner_symbol`): shared listeners find it through it. */
const kConnection = Symbol('rxnet.tcpConnection');

/** A socket wrapped by createTcpConnection. */
interface OwnedSocket extends Socket {
  [kConnection]?: SocketConnection;
}

// Socket listeners shared by every connection (`this` is the socket): a connection holds no
// closure of its own for them.
function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[kConnection]?.onData(chunk);
}
function onSocketEnd(this: OwnedSocket): void {
  this[kConnection]?.onEnd();
}
function onSocketDrain(this: OwnedSocket): void {
  this.off('drain', onSocketDrain);
  this[kConnection]?.onDrain();
}
/** Always there until the socket closes: a socket without an 'error' listener would crash the process on ECONNRESET. */
function onSocketError(this: OwnedSocket, err: Error): void {
  this[kConnection]?.inbound?.error(err);
}
/** Closed (destroyed): nothing can be answered any more; the connection's listeners go. */
function onSocketClose(this: OwnedSocket): void {
  const connection = this[kConnection];
  this.off('error', onSocketError);
  this.off('close', onSocketClose);
  this.off('drain', onSocketDrain);
  connection?.onClose();
}

/** Connections that sent in this tick, flushed together on the next one (one nextTick for all). */
let toFlush: SocketConnection[] = [];
function flushSent(): void {
  const connections = toFlush;
  toFlush = [];
  for (const connection of connections) if (connection.flushScheduled) connection.flush();
}

/** data$: its one subscription goes to the connection (`this` is the observable: no closure per connection). */
class ConnectionData extends Observable<Buffer> {
  constructor(readonly connection: SocketConnection) {
    super(subscribeToConnection);
  }
}
function subscribeToConnection(this: Observable<Buffer>, subscriber: Subscriber<Buffer>): TeardownLogic {
  return (this as ConnectionData).connection.subscribe(subscriber);
}
/** The teardown of a data$ subscription. */
class DataSubscription implements Unsubscribable {
  constructor(
    private readonly connection: SocketConnection,
    private readonly subscriber: Subscriber<Buffer>,
  ) {}
  unsubscribe(): void {
    this.connection.unsubscribe(this.subscriber);
  }
}

/**
 * Wraps a connected socket as a {@link TcpConnection}. Internal to the transports. With a
 * `budget` (the listener's), inbound bytes are handed on in slices within the budget of each
 * turn of the event loop, round-robin with the listener's other connections, and only while
 * nothing holds reading and the replies so far fit under the socket's write high-water mark;
 * meanwhile the socket is paused, so a connection holds at most one read that was not handed on.
 * With an `idle` sweep (the listener's), a connection silent both ways for its timeout is closed.
 * The connection is one object (its methods on its prototype, its socket listeners shared by all
 * connections): to wrap it, use wrapConnection, as a spread would lose its methods.
 *
 * Example: `subscriber.next(createTcpConnection(socket, nextId++, undefined, budget, idle))`
 */
export function createTcpConnection(
  socket: Socket,
  id: number,
  family = socket.remoteFamily ?? 'IPv4',
  budget?: ReadBudget,
  idle?: IdleSweep,
): TcpConnection {
  return new SocketConnection(socket, id, { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0, family }, budget, idle);
}

/** A {@link TcpConnection} over a socket: its state as fields, no closure of its own. */
class SocketConnection implements TcpConnection, QueuedReader, IdleTracked {
  readonly data$: Observable<Buffer> = new ConnectionData(this);
  /** The subscriber of data$, while there is one. */
  inbound: Subscriber<Buffer> | undefined;
  /** A flush of what was sent is scheduled (this connection waits in `toFlush`). */
  flushScheduled = false;
  /** Text sent during this tick; written as one string on the next tick (one write, no writev). */
  private pendingText = '';
  /** Once bytes are sent in a tick, everything of that tick as bytes, in order (pendingText then stays empty). */
  private pendingBytes: Uint8Array[] | undefined;
  private pendingBytesLength = 0;
  /** Reasons to stop reading now (a full write buffer, too many requests in flight...). */
  private holds = 0;
  /** A full write buffer holds reading until 'drain'. */
  private drainHeld = false;
  /** A graceful stop: the socket is read no more. */
  private stopped = false;
  /** With a budget: bytes read and not yet handed on (the socket is paused meanwhile). */
  private rest: Buffer | undefined;
  /** True while this connection waits in the budget's queue. */
  private queued = false;
  /** The budget's turn that last served this connection: until the next one, its reads queue while others wait. */
  private servedInTurn = -1;
  /** The peer ended while bytes were still waiting: complete data$ after them. */
  private endPending = false;
  /** Emits when no read bytes wait any more (for stopReading). */
  private handedOn: Subject<void> | undefined;
  /** A graceful stop asked for what Node had buffered in the socket to be handed on too. */
  private pullBuffered = false;
  /** With an idle sweep: its tick at the last read or write. */
  activeTick = 0;

  constructor(
    readonly socket: OwnedSocket,
    readonly id: number,
    readonly remote: SocketAddress,
    private readonly budget: ReadBudget | undefined,
    private readonly idle: IdleSweep | undefined,
  ) {
    socket[kConnection] = this;
    idle?.track(this);
    // data$ reports an error; this listener also keeps it from being unhandled while no one subscribes.
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
  }

  send(data: string | Uint8Array): void {
    if (!this.socket.writable) return;
    if (typeof data === 'string' && this.pendingBytes === undefined) {
      this.pendingText += data; // the calc path: text only, joined into one string
    } else {
      // Bytes in this tick: everything of the tick is kept as bytes, in order, and written as one.
      if (this.pendingBytes === undefined) {
        this.pendingBytes = this.pendingText.length > 0 ? [Buffer.from(this.pendingText)] : [];
        this.pendingBytesLength = this.pendingBytes[0]?.length ?? 0;
        this.pendingText = '';
      }
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      this.pendingBytes.push(bytes);
      this.pendingBytesLength += bytes.length;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      if (toFlush.push(this) === 1) process.nextTick(flushSent);
    }
  }

  /** See {@link sendNow}. */
  [kSendNow](data: string, encoding: TextEncoding): void {
    if (this.flushScheduled) {
      // Joined with what was sent before in this tick (not promised ASCII): written as UTF-8.
      this.send(data);
      this.flush();
    } else if (this.socket.writable) {
      this.write(data, encoding);
    }
  }

  end(): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.flush();
    this.socket.end();
    // Keep reading, so the peer's last bytes are consumed (no RST that could cut our replies);
    // with no subscriber they are discarded. The socket closes when the peer ends too.
    this.applyFlow();
  }

  hold(): () => void {
    this.holds += 1;
    this.applyFlow();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  /** A graceful stop: read no more, but hand on what was read (Node's buffered read included). */
  stopReading(): Observable<void> {
    return defer(() => {
      this.stopped = true;
      this.pullBuffered = this.budget !== undefined && this.inbound !== undefined && this.socket.readableLength > 0;
      this.applyFlow();
      if (this.rest === undefined && !this.pullBuffered) return of(undefined);
      this.handedOn ??= new Subject<void>();
      return this.handedOn.pipe(take(1));
    });
  }

  destroy(): void {
    if (this.socket.destroyed) return;
    this.flush(); // what was sent before is handed to the socket first, as a write in the same tick would be
    this.socket.destroy();
  }

  /** data$ subscribed: reads start (the latest subscriber gets the bytes). */
  subscribe(subscriber: Subscriber<Buffer>): TeardownLogic {
    if (this.socket.destroyed) {
      subscriber.complete();
      return undefined;
    }
    if (this.inbound === undefined) {
      this.socket.on('data', onSocketData);
      this.socket.on('end', onSocketEnd);
    }
    this.inbound = subscriber;
    this.applyFlow();
    return new DataSubscription(this, subscriber);
  }

  /** data$ unsubscribed: its listeners go, and reading pauses (or goes on, to discard, once our side ended). */
  unsubscribe(subscriber: Subscriber<Buffer>): void {
    if (this.inbound !== subscriber) return;
    this.inbound = undefined;
    this.rest = undefined;
    this.endPending = false;
    this.pullBuffered = false;
    this.socket.off('data', onSocketData);
    this.socket.off('end', onSocketEnd);
    this.applyFlow();
  }

  onData(chunk: Buffer): void {
    if (this.idle !== undefined) this.activeTick = this.idle.tick;
    const subscriber = this.inbound;
    if (subscriber === undefined) return;
    const budget = this.budget;
    if (budget === undefined) {
      subscriber.next(chunk);
      return;
    }
    if (this.rest !== undefined) {
      this.rest = Buffer.concat([this.rest, chunk]); // only bytes Node had buffered before the pause
      return;
    }
    // Fairness: hand on at once what this turn's budget allows; the rest waits its turn. A
    // connection the queue just served goes behind those still waiting: the bytes granted at
    // once are for the others (one that just arrived, a light one).
    const slice = Math.min(chunk.length, budget.maxSliceBytes);
    if ((this.servedInTurn === budget.turn && budget.waiting > 0) || !this.mayHandOn() || !budget.take(slice)) {
      this.rest = chunk;
      this.applyFlow();
      return;
    }
    if (slice === chunk.length) {
      subscriber.next(chunk);
      return;
    }
    this.rest = chunk.subarray(slice);
    subscriber.next(chunk.subarray(0, slice));
    this.applyFlow();
  }

  /** The peer ended; bytes still waiting are handed on first (no byte is lost). */
  onEnd(): void {
    if (this.rest === undefined) this.inbound?.complete();
    else this.endPending = true;
  }

  onClose(): void {
    this.idle?.untrack(this);
    this.rest = undefined;
    this.inbound?.complete();
  }

  onDrain(): void {
    if (!this.drainHeld) return;
    this.drainHeld = false;
    this.release();
  }

  readSlice(maxBytes: number): number {
    this.queued = false;
    this.servedInTurn = this.budget?.turn ?? -1;
    if (this.rest === undefined && this.pullBuffered) {
      // A graceful stop: what Node read into the socket's buffer goes to onData, which keeps
      // it (this connection was just served: it queues), and is handed on in slices below.
      this.pullBuffered = false;
      if (this.inbound !== undefined) this.socket.read();
    }
    const chunk = this.rest;
    const subscriber = this.inbound;
    if (chunk === undefined || subscriber === undefined || !this.mayHandOn()) {
      if (this.rest === undefined) this.allHandedOn();
      this.applyFlow();
      return 0;
    }
    this.rest = chunk.length > maxBytes ? chunk.subarray(maxBytes) : undefined;
    subscriber.next(this.rest === undefined ? chunk : chunk.subarray(0, maxBytes));
    if (this.rest === undefined) this.allHandedOn();
    this.applyFlow();
    return Math.min(maxBytes, chunk.length);
  }

  /** Writes what was sent in this tick, as one write. */
  flush(): void {
    this.flushScheduled = false;
    const text = this.pendingText;
    const bytes = this.pendingBytes;
    this.pendingText = '';
    this.pendingBytes = undefined;
    this.pendingBytesLength = 0;
    if (this.socket.writable) {
      if (bytes !== undefined) this.write(bytes.length === 1 ? (bytes[0] as Uint8Array) : Buffer.concat(bytes));
      else if (text.length > 0) this.write(text);
    }
    if (this.rest !== undefined && !this.queued) this.applyFlow(); // the written replies may have made room
  }

  /** Silent both ways for the idle timeout. */
  closeIdle(): void {
    this.socket.destroy();
  }

  private write(data: string | Uint8Array, encoding: TextEncoding = 'utf8'): void {
    if (this.idle !== undefined) this.activeTick = this.idle.tick;
    if (!(typeof data === 'string' ? this.socket.write(data, encoding) : this.socket.write(data)) && !this.drainHeld) {
      this.drainHeld = true;
      this.holds += 1;
      this.applyFlow();
      this.socket.on('drain', onSocketDrain);
    }
  }

  private release(): void {
    this.holds -= 1;
    this.applyFlow();
  }

  /** Nothing holds reading, and the replies so far fit under the write high-water mark. */
  private mayHandOn(): boolean {
    return this.holds === 0 && this.pendingText.length + this.pendingBytesLength + this.socket.writableLength < this.socket.writableHighWaterMark;
  }

  /**
   * Reads while someone subscribes to data$, nothing holds it and no read bytes wait (those wait
   * in the budget's queue while they may be handed on); once our side ended, reads to discard.
   */
  private applyFlow(): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    if ((this.rest !== undefined || this.pullBuffered) && this.budget !== undefined) {
      socket.pause();
      if (!this.queued && this.mayHandOn()) {
        this.queued = true;
        this.budget.enqueue(this);
      }
      return;
    }
    if ((this.inbound !== undefined && this.holds === 0 && !this.stopped) || socket.writableEnded) socket.resume();
    else socket.pause();
  }

  /** No read bytes wait any more: end data$ if the peer ended, and tell a graceful stop. */
  private allHandedOn(): void {
    if (this.pullBuffered) return; // Node's buffered bytes are still to come (on the next turn)
    if (this.endPending) this.inbound?.complete();
    this.handedOn?.next();
  }
}
