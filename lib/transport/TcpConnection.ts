import type { Socket } from 'node:net';
import { Observable } from 'rxjs';
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
   * write buffer is over its high-water mark, reading pauses ('drain' resumes it), so a peer that
   * never reads cannot grow our memory. Ignored once the socket is no longer writable.
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
  /** Closes the connection at once. Safe to call more than once. */
  destroy(): void;
}

/** Wraps a connected socket as a {@link TcpConnection}. Internal to the transports. */
export function createTcpConnection(
  socket: Socket,
  id: number,
  family = socket.remoteFamily ?? 'IPv4',
  sliceBytes?: number,
): TcpConnection {
  const remote: SocketAddress = {
    address: socket.remoteAddress ?? '',
    port: socket.remotePort ?? 0,
    family,
  };
  let reading = false;
  /** Text sent during this tick; written as one string on the next tick (one write, no writev). */
  let pendingText = '';
  let flushScheduled = false;
  /** Reasons to stop reading now (a full write buffer, too many requests in flight...). */
  let holds = 0;
  let releaseDrainHold: (() => void) | undefined;

  // A socket must always have an 'error' listener, or an ECONNRESET would crash the process.
  // data$ reports the error; this one only keeps it from being unhandled, and goes with 'close'.
  const swallowError = (): void => {};
  socket.on('error', swallowError);
  socket.once('close', () => socket.off('error', swallowError));

  /** Reads while someone subscribes to data$ and nothing holds it; once our side ended, reads to discard. */
  const applyFlow = (): void => {
    if (socket.destroyed) return;
    if ((reading && holds === 0) || socket.writableEnded) socket.resume();
    else socket.pause();
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
    pendingText = '';
    if (text.length > 0 && socket.writable) write(text);
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
    // Fairness: a big read is handed on in slices, one per turn of the event loop, with reading
    // held meanwhile, so one greedy connection cannot make every other one wait for a whole read.
    let rest: Buffer | undefined;
    let nextSlice: NodeJS.Immediate | undefined;
    let releaseSliceHold: (() => void) | undefined;
    const deliver = (chunk: Buffer): void => {
      if (sliceBytes === undefined || chunk.length <= sliceBytes) {
        rest = undefined;
        subscriber.next(chunk);
        return;
      }
      rest = chunk.subarray(sliceBytes);
      subscriber.next(chunk.subarray(0, sliceBytes));
      if (rest === undefined || subscriber.closed) return;
      releaseSliceHold ??= hold();
      nextSlice ??= setImmediate(deliverRest);
    };
    const deliverRest = (): void => {
      nextSlice = undefined;
      if (rest !== undefined) deliver(rest);
      if (rest === undefined && releaseSliceHold !== undefined) {
        releaseSliceHold();
        releaseSliceHold = undefined;
      }
    };
    const onData = (chunk: Buffer): void => deliver(chunk);
    const onEnd = (): void => {
      // The peer ended while a slice was waiting: hand on the rest first (no byte is lost).
      while (rest !== undefined && !subscriber.closed) {
        const current: Buffer = rest;
        rest = undefined;
        subscriber.next(current);
      }
      subscriber.complete();
    };
    const onError = (err: Error): void => subscriber.error(err);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    reading = true;
    applyFlow();
    return () => {
      reading = false;
      if (nextSlice !== undefined) clearImmediate(nextSlice);
      nextSlice = undefined;
      rest = undefined;
      releaseSliceHold?.();
      releaseSliceHold = undefined;
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      applyFlow();
    };
  });

  return {
    id,
    remote,
    socket,
    data$,
    send(data) {
      if (!socket.writable) return;
      if (typeof data !== 'string') {
        flush(); // text sent earlier in this tick goes first
        write(data);
        return;
      }
      pendingText += data;
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
    destroy() {
      socket.destroy();
    },
  };
}
