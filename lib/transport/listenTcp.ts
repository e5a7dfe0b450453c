import { createServer, type Socket } from 'node:net';
import { Observable, type SchedulerLike } from 'rxjs';
import { IdleSweep } from './IdleSweep.js';
import { reclaimStaleSocket } from './reclaimStaleSocket.js';
import { ReadBudget } from './ReadBudget.js';
import type { SocketAddress } from './SocketAddress.js';
import { createTcpConnection, type TcpConnection } from './TcpConnection.js';

/** Options of {@link listenTcp}. */
export interface ListenTcpOptions {
  /** The address to bind. Defaults to `127.0.0.1`. */
  readonly host?: string;
  /** The port; 0 picks a free one. Defaults to 0. Ignored when `path` is set. */
  readonly port?: number;
  /** A Unix domain socket path to listen on instead of host and port. */
  readonly path?: string;
  /** Connections beyond this many open ones are closed as soon as they arrive. Defaults to no limit. */
  readonly maxConnections?: number;
  /**
   * Hand inbound bytes on in slices of at most this many, round-robin between the connections
   * within a budget of bytes per turn of the event loop shared by all of them (a `ReadBudget`),
   * so busy connections cannot make a turn long or delay others by whole reads. Defaults to no
   * slicing (each read is handed on whole, at once).
   */
  readonly readSliceBytes?: number;
  /**
   * With `readSliceBytes`: the waiting bytes handed on per turn of the event loop, round-robin,
   * all connections together. Defaults to 8 KiB (and up to 32 KiB just read are handed on at once).
   */
  readonly readBytesPerTurn?: number;
  /**
   * Transports with a handshake (TLS): a connection whose handshake is not done this long after
   * it arrived is closed. Defaults to 10,000 ms. Plain TCP and Unix sockets have no handshake.
   */
  readonly handshakeTimeoutMs?: number;
  /** Transports with a handshake: called with the number of connections in their handshake whenever it changes. */
  readonly onHandshaking?: (count: number) => void;
  /**
   * A connection with no traffic either way for this long is closed (within an eighth more: one
   * sweep for all connections, see IdleSweep). Defaults to 0 (never).
   */
  readonly idleTimeoutMs?: number;
  /** The scheduler of the listener's timers: the idle sweep, a TLS handshake's deadline. Defaults to asyncScheduler. */
  readonly scheduler?: SchedulerLike;
  /**
   * When this emits, the listening socket closes and no more connections are accepted; the
   * connections already accepted stay open, and the observable completes once all have closed
   * (a graceful stop). Unsubscribing still destroys whatever is left.
   */
  readonly stopAccepting$?: Observable<unknown>;
  /** Called once bound, with the bound address (the real port when `port` was 0). */
  readonly onListening?: (address: SocketAddress) => void;
  /** Called once the listening socket and all its connections are closed. */
  readonly onClosed?: () => void;
  /** Called for each connection refused because `maxConnections` were open. */
  readonly onRefused?: () => void;
  /** Creates the server (node:net by default; TLS passes node:tls's). Internal hook for other stream transports. */
  readonly createServer?: typeof createServer;
  /** The event that hands over a ready socket: `connection` for net, `secureConnection` for TLS. */
  readonly connectionEvent?: string;
}

/**
 * A TCP server as an observable of connections. Subscribing listens; each accepted connection
 * is emitted as a {@link TcpConnection}. Unsubscribing closes the listening socket, destroys
 * every connection it accepted and removes every listener it added. A listen failure
 * (`EADDRINUSE`...) is an error notification. On a Unix socket `path` left behind by a process
 * that died (nothing answers on it), the file is removed and listening tried again; a path that
 * another process listens on, or that is not a socket, is an `EADDRINUSE` error saying so.
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
    const create = options.createServer ?? createServer;
    const connectionEvent = options.connectionEvent ?? 'connection';
    // A plain socket waits, unread, until data$ is subscribed. A TLS socket must read to finish
    // its handshake; its decrypted bytes wait in its buffer until then.
    const server = create({ allowHalfOpen: true, pauseOnConnect: connectionEvent === 'connection', noDelay: true });
    if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
    const sockets = new Set<Socket>();
    let nextId = 1;
    let accepting = true;
    const budget = options.readSliceBytes === undefined ? undefined : new ReadBudget({ maxSliceBytes: options.readSliceBytes, bytesPerTurn: options.readBytesPerTurn });
    const idle = (options.idleTimeoutMs ?? 0) > 0 ? new IdleSweep(options.idleTimeoutMs ?? 0, options.scheduler) : undefined;

    const completeIfDrained = (): void => {
      if (!accepting && sockets.size === 0) subscriber.complete();
    };
    // Every raw socket is tracked from its arrival (for TLS, also those still in the handshake),
    // so that unsubscribing can close them all.
    // One listener function for all the sockets (`this` is the socket): an idle connection
    // holds no closure of its own for it.
    function onSocketClose(this: Socket): void {
      this.off('close', onSocketClose);
      sockets.delete(this);
      completeIfDrained();
    }
    const onRawConnection = (socket: Socket): void => {
      sockets.add(socket);
      socket.on('close', onSocketClose);
    };
    const onConnection = (socket: Socket): void => {
      subscriber.next(createTcpConnection(socket, nextId++, options.path === undefined ? undefined : 'unix', budget, idle));
    };
    const onDrop = (): void => options.onRefused?.();
    const listen = (): void => {
      if (options.path !== undefined) server.listen({ path: options.path });
      else server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    };
    // A Unix socket file that nothing answers on (its server crashed) is removed, once, and
    // listening tried again; a live one or a file that is not a socket is an EADDRINUSE error.
    let reclaimed = false;
    let cancelReclaim: (() => void) | undefined;
    const onError = (err: NodeJS.ErrnoException): void => {
      const path = options.path;
      if (path === undefined || err.code !== 'EADDRINUSE' || reclaimed) return subscriber.error(err);
      reclaimed = true;
      cancelReclaim = reclaimStaleSocket(path, (failure) => {
        cancelReclaim = undefined;
        if (failure !== undefined) subscriber.error(failure);
        else if (accepting) listen();
      });
    };
    const onListening = (): void => {
      const bound = server.address();
      if (typeof bound === 'string') options.onListening?.({ address: bound, port: 0, family: 'unix' });
      else if (bound !== null) options.onListening?.(bound);
    };
    const closeListener = (): void => {
      if (!accepting) return;
      accepting = false;
      server.off(connectionEvent, onConnection);
      server.off('connection', onRawConnection);
      server.close(() => {
        server.off('error', onError);
        server.off('drop', onDrop);
        options.onClosed?.();
      });
    };

    server.on('connection', onRawConnection);
    server.on(connectionEvent, onConnection);
    server.on('drop', onDrop);
    server.on('error', onError);
    server.once('listening', onListening);
    listen();
    const stopping = options.stopAccepting$?.subscribe(() => {
      closeListener();
      completeIfDrained();
    });

    return () => {
      stopping?.unsubscribe();
      cancelReclaim?.();
      server.off('listening', onListening);
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      budget?.close();
      idle?.close();
      closeListener();
    };
  });
}
