import type { Socket } from 'node:net';
import { NEVER, of, switchMap, take, type Observable, type Subscriber, type Unsubscribable } from 'rxjs';
import type { TcpConnection } from '../transport/TcpConnection.js';
import type { ServerStats } from './ServerStats.js';

/**
 * Completes `subscriber` once `socket` has closed (a connection is served until then); the
 * returned teardown stops waiting and unsubscribes `serving`. Internal to serveTcp.
 *
 * Example: `return servedUntilClosed(socket, subscriber, subscription);`
 */
export function servedUntilClosed(socket: Socket, subscriber: Subscriber<never>, serving: Unsubscribable): () => void {
  const onClose = (): void => subscriber.complete();
  if (socket.destroyed) subscriber.complete();
  else socket.on('close', onClose); // 'close' is emitted once: `on` spares once()'s wrapper
  return () => {
    socket.off('close', onClose);
    serving.unsubscribe();
  };
}

/**
 * Emits once a graceful stop (`stop$`) has been asked and every byte the connection already
 * read has been handed on. Internal to serveTcp.
 *
 * Example: `frames$.pipe(takeUntil(stoppedReading(connection, options.stop$)))`
 */
export function stoppedReading(connection: TcpConnection, stop$: Observable<unknown> | undefined): Observable<unknown> {
  return (stop$ ?? NEVER).pipe(
    take(1),
    switchMap(() => connection.stopReading?.() ?? of(undefined)),
  );
}

/**
 * Counts an open connection until it closes, and tells `onConnection`. Internal to serveTcp.
 *
 * Example: `countConnection(connection, options, stats)` as a connection is served.
 */
export function countConnection(
  connection: TcpConnection,
  options: { readonly onConnection?: (connection: TcpConnection) => void },
  stats: ServerStats,
): void {
  stats.openConnections += 1;
  connection.socket.on('close', () => {
    stats.openConnections -= 1;
  });
  options.onConnection?.(connection);
}

/** A served connection, told once its socket has closed (see {@link countUntilClosed}). */
export interface ClosedListener {
  socketClosed(): void;
}

/** The {@link ClosedListener} of a socket (as Node's `owner_symbol`): one shared 'close' listener finds it. */
const kServed = Symbol('rxnet.served');

interface ServedSocket extends Socket {
  [kServed]?: ClosedListener;
}

function onServedSocketClose(this: ServedSocket): void {
  const served = this[kServed];
  this[kServed] = undefined;
  this.off('close', onServedSocketClose);
  served?.socketClosed();
}

/**
 * Counts an open connection until its socket closes, tells `onConnection`, and calls
 * `served.socketClosed()` once the socket has closed (at once if it already has): what
 * {@link countConnection} and {@link servedUntilClosed} do, with one 'close' listener shared by
 * every socket instead of two closures per connection. `socketClosed` is called even after the
 * serving ended, and must decrement `stats.openConnections`. Internal to serveTcp.
 *
 * Example: `countUntilClosed(connection, options, stats, this)` in a served connection's constructor.
 */
export function countUntilClosed(
  connection: TcpConnection,
  options: { readonly onConnection?: (connection: TcpConnection) => void },
  stats: ServerStats,
  served: ClosedListener,
): void {
  stats.openConnections += 1;
  const socket: ServedSocket = connection.socket;
  if (socket.destroyed) served.socketClosed();
  else {
    socket[kServed] = served;
    socket.on('close', onServedSocketClose);
  }
  options.onConnection?.(connection);
}
