import { createServer, type Socket } from 'node:net';
import { Observable } from 'rxjs';
import type { SocketAddress } from './SocketAddress.js';
import { createTcpConnection, type TcpConnection } from './TcpConnection.js';

/** Options of {@link listenTcp}. */
export interface ListenTcpOptions {
  /** The address to bind. Defaults to `127.0.0.1`. */
  readonly host?: string;
  /** The port; 0 picks a free one. Defaults to 0. */
  readonly port?: number;
  /** Called once bound, with the bound address (the real port when `port` was 0). */
  readonly onListening?: (address: SocketAddress) => void;
  /** Called once the listening socket is closed after unsubscribe (or a failed listen). */
  readonly onClosed?: () => void;
}

/**
 * A TCP server as an observable of connections. Subscribing listens; each accepted connection
 * is emitted as a {@link TcpConnection}. Unsubscribing closes the listening socket, destroys
 * every connection it accepted and removes every listener it added. A listen failure
 * (`EADDRINUSE`...) is an error notification.
 *
 * ```
 * subscribe -> listen --c1----c2------ unsubscribe -> close all
 * ```
 *
 * Example:
 * ```ts
 * listenTcp({ port: 7000 }).pipe(
 *   mergeMap((conn) => conn.data$.pipe(splitLines(), map((line) => `${String(line).toUpperCase()}\n`), tap((out) => conn.send(out)))),
 * ).subscribe();
 * ```
 *
 * @see bindUdp
 */
export function listenTcp(options: ListenTcpOptions = {}): Observable<TcpConnection> {
  return new Observable<TcpConnection>((subscriber) => {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    const sockets = new Set<Socket>();
    let nextId = 1;

    const onConnection = (socket: Socket): void => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      subscriber.next(createTcpConnection(socket, nextId++));
    };
    const onError = (err: Error): void => subscriber.error(err);
    const onListening = (): void => {
      const bound = server.address();
      if (bound !== null && typeof bound === 'object') options.onListening?.(bound);
    };

    server.on('connection', onConnection);
    server.on('error', onError);
    server.once('listening', onListening);
    server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });

    return () => {
      server.off('connection', onConnection);
      server.off('listening', onListening);
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      server.close(() => {
        server.off('error', onError);
        options.onClosed?.();
      });
    };
  });
}
