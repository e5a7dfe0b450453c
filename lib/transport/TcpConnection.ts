import type { Socket } from 'node:net';
import { defer, Observable, of, Subject, take, type Subscriber } from 'rxjs';
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

/** The 'error' listener every connection's socket has until it closes (see createTcpConnection). */
function ignoreError(): void {}

/** Removes {@link ignoreError} and itself once the socket has closed (shared: no closure per socket). */
function dropIgnoreError(this: Socket): void {
  this.off('error', ignoreError);
  this.off('close', dropIgnoreError);
}

/**
 * Wraps a connected socket as a {@link TcpConnection}. Internal to the transports. With a
 * `budget` (the listener's), inbound bytes are handed on in slices within the budget of each
 * turn of the event loop, round-robin with the listener's other connections, and only while
 * nothing holds reading and the replies so far fit under the socket's write high-water mark;
 * meanwhile the socket is paused, so a connection holds at most one read that was not handed on.
 */
export function createTcpConnection(
  socket: Socket,
  id: number,
  family = socket.remoteFamily ?? 'IPv4',
  budget?: ReadBudget,
): TcpConnection {
  const remote: SocketAddress = {
    address: socket.remoteAddress ?? '',
    port: socket.remotePort ?? 0,
    family,
  };
  let reading = false;
  /** Text sent during this tick; written as one string on the next tick (one write, no writev). */
  let pendingText = '';
  /** Once bytes are sent in a tick, everything of that tick as bytes, in order (pendingText then stays empty). */
  let pendingBytes: Uint8Array[] | undefined;
  let pendingBytesLength = 0;
  let flushScheduled = false;
  /** Reasons to stop reading now (a full write buffer, too many requests in flight...). */
  let holds = 0;
  let releaseDrainHold: (() => void) | undefined;
  /** A graceful stop: the socket is read no more. */
  let stopped = false;
  /** The subscriber of data$, while there is one. */
  let inbound: Subscriber<Buffer> | undefined;
  /** With a budget: bytes read and not yet handed on (the socket is paused meanwhile). */
  let rest: Buffer | undefined;
  /** True while this connection waits in the budget's queue. */
  let queued = false;
  /** The budget's turn that last served this connection: until the next one, its reads queue while others wait. */
  let servedInTurn = -1;
  /** The peer ended while bytes were still waiting: complete data$ after them. */
  let endPending = false;
  /** Emits when no read bytes wait any more (for stopReading). */
  let handedOn: Subject<void> | undefined;
  /** A graceful stop asked for what Node had buffered in the socket to be handed on too. */
  let pullBuffered = false;

  // A socket must always have an 'error' listener, or an ECONNRESET would crash the process.
  // data$ reports the error; this one (shared by all sockets) only keeps it from being unhandled,
  // and goes with 'close'.
  socket.on('error', ignoreError);
  socket.on('close', dropIgnoreError);

  /** Nothing holds reading, and the replies so far fit under the write high-water mark. */
  const mayHandOn = (): boolean => holds === 0 && pendingText.length + pendingBytesLength + socket.writableLength < socket.writableHighWaterMark;
  /**
   * Reads while someone subscribes to data$, nothing holds it and no read bytes wait (those wait
   * in the budget's queue while they may be handed on); once our side ended, reads to discard.
   */
  const applyFlow = (): void => {
    if (socket.destroyed) return;
    if ((rest !== undefined || pullBuffered) && budget !== undefined) {
      socket.pause();
      if (!queued && mayHandOn()) {
        queued = true;
        budget.enqueue(reader);
      }
      return;
    }
    if ((reading && holds === 0 && !stopped) || socket.writableEnded) socket.resume();
    else socket.pause();
  };
  /** No read bytes wait any more: end data$ if the peer ended, and tell a graceful stop. */
  const allHandedOn = (): void => {
    if (pullBuffered) return; // Node's buffered bytes are still to come (on the next turn)
    if (endPending) inbound?.complete();
    handedOn?.next();
  };
  const reader: QueuedReader = {
    readSlice(maxBytes) {
      queued = false;
      servedInTurn = budget?.turn ?? -1;
      if (rest === undefined && pullBuffered) {
        // A graceful stop: what Node read into the socket's buffer goes to onData, which keeps
        // it (this connection was just served: it queues), and is handed on in slices below.
        pullBuffered = false;
        if (inbound !== undefined) socket.read();
      }
      const chunk = rest;
      const subscriber = inbound;
      if (chunk === undefined || subscriber === undefined || !mayHandOn()) {
        if (rest === undefined) allHandedOn();
        applyFlow();
        return 0;
      }
      rest = chunk.length > maxBytes ? chunk.subarray(maxBytes) : undefined;
      subscriber.next(rest === undefined ? chunk : chunk.subarray(0, maxBytes));
      if (rest === undefined) allHandedOn();
      applyFlow();
      return Math.min(maxBytes, chunk.length);
    },
  };
  const hold = (): (() => void) => {
    holds += 1;
    applyFlow();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      holds -= 1;
      applyFlow();
    };
  };
  const write = (data: string | Uint8Array): void => {
    if (!socket.write(data) && releaseDrainHold === undefined) {
      releaseDrainHold = hold();
      socket.once('drain', onDrain);
    }
  };
  const flush = (): void => {
    flushScheduled = false;
    const text = pendingText;
    const bytes = pendingBytes;
    pendingText = '';
    pendingBytes = undefined;
    pendingBytesLength = 0;
    if (socket.writable) {
      if (bytes !== undefined) write(bytes.length === 1 ? (bytes[0] as Uint8Array) : Buffer.concat(bytes));
      else if (text.length > 0) write(text);
    }
    if (rest !== undefined && !queued) applyFlow(); // the written replies may have made room
  };
  const onDrain = (): void => {
    const release = releaseDrainHold;
    releaseDrainHold = undefined;
    release?.();
  };

  const data$ = new Observable<Buffer>((subscriber) => {
    if (socket.destroyed) {
      subscriber.complete();
      return undefined;
    }
    inbound = subscriber;
    const onData = (chunk: Buffer): void => {
      if (budget === undefined) {
        subscriber.next(chunk);
        return;
      }
      if (rest !== undefined) {
        rest = Buffer.concat([rest, chunk]); // only bytes Node had buffered before the pause
        return;
      }
      // Fairness: hand on at once what this turn's budget allows; the rest waits its turn. A
      // connection the queue just served goes behind those still waiting: the bytes granted at
      // once are for the others (one that just arrived, a light one).
      const slice = Math.min(chunk.length, budget.maxSliceBytes);
      if ((servedInTurn === budget.turn && budget.waiting > 0) || !mayHandOn() || !budget.take(slice)) {
        rest = chunk;
        applyFlow();
        return;
      }
      if (slice === chunk.length) {
        subscriber.next(chunk);
        return;
      }
      rest = chunk.subarray(slice);
      subscriber.next(chunk.subarray(0, slice));
      applyFlow();
    };
    // The peer ended while bytes were waiting: they are handed on first (no byte is lost).
    const onEnd = (): void => {
      if (rest === undefined) subscriber.complete();
      else endPending = true;
    };
    // Closed (destroyed): nothing can be answered any more.
    const onClose = (): void => {
      rest = undefined;
      subscriber.complete();
    };
    const onError = (err: Error): void => subscriber.error(err);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('error', onError);
    reading = true;
    applyFlow();
    return () => {
      reading = false;
      inbound = undefined;
      rest = undefined;
      endPending = false;
      pullBuffered = false;
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onClose);
      socket.off('error', onError);
      applyFlow();
    };
  });

  /** A graceful stop: read no more, but hand on what was read (Node's buffered read included). */
  const stopReading = (): Observable<void> =>
    defer(() => {
      stopped = true;
      pullBuffered = budget !== undefined && inbound !== undefined && socket.readableLength > 0;
      applyFlow();
      if (rest === undefined && !pullBuffered) return of(undefined);
      handedOn ??= new Subject<void>();
      return handedOn.pipe(take(1));
    });

  return {
    id,
    remote,
    socket,
    data$,
    send(data) {
      if (!socket.writable) return;
      if (typeof data === 'string' && pendingBytes === undefined) {
        pendingText += data; // the calc path: text only, joined into one string
      } else {
        // Bytes in this tick: everything of the tick is kept as bytes, in order, and written as one.
        if (pendingBytes === undefined) {
          pendingBytes = pendingText.length > 0 ? [Buffer.from(pendingText)] : [];
          pendingBytesLength = pendingBytes[0]?.length ?? 0;
          pendingText = '';
        }
        const bytes = typeof data === 'string' ? Buffer.from(data) : data;
        pendingBytes.push(bytes);
        pendingBytesLength += bytes.length;
      }
      if (!flushScheduled) {
        flushScheduled = true;
        process.nextTick(flush);
      }
    },
    end() {
      if (socket.destroyed || socket.writableEnded) return;
      flush();
      socket.end();
      // Keep reading, so the peer's last bytes are consumed (no RST that could cut our replies);
      // with no 'data' listener they are discarded. The socket closes when the peer ends too.
      applyFlow();
    },
    hold,
    stopReading,
    destroy() {
      if (socket.destroyed) return;
      flush(); // what was sent before is handed to the socket first, as a write in the same tick would be
      socket.destroy();
    },
  };
}
