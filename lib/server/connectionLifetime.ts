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
