import { connect, type NetConnectOpts, type Socket } from 'node:net';
import { Observable } from 'rxjs';
import { createTcpConnection, type TcpConnection } from './TcpConnection.js';
import { wrapConnection } from './wrapConnection.js';

/** What every stream connection takes, wherever it goes. */
interface ConnectStreamCommon {
  /** The id of the emitted connection (the seed's "session id"). Defaults to a process-wide counter. */
  readonly id?: number;
  /** Disables Nagle's algorithm, so small requests go out at once. Defaults to true. Ignored for Unix sockets. */
  readonly noDelay?: boolean;
  /** Called once the socket has closed, whatever closed it (unsubscribe, a failed connect, the peer). */
  readonly onClosed?: () => void;
}

/** Options of {@link connectTcp}: a host and port, or (Unix domain socket) a path. */
export type ConnectTcpOptions = ConnectStreamCommon &
  (
    | {
        /** The host to connect to. Defaults to `127.0.0.1`; `::1` and other IPv6 addresses work too. */
        readonly host?: string;
        /** The port to connect to. */
        readonly port: number;
        readonly path?: undefined;
      }
    | {
        /** The path of a Unix domain stream socket to connect to, instead of a host and port. */
        readonly path: string;
        readonly host?: undefined;
        readonly port?: undefined;
      }
  );

/**
 * How another stream transport opens its socket through {@link connectTcp}'s contract: node:tls
 * opens it and emits `secureConnect`. Internal to the transports (see connectTls).
 */
export interface StreamOpener {
  /** Opens the socket. */
  readonly open: (options: NetConnectOpts) => Socket;
  /** The event that says the socket is ready to carry data. */
  readonly readyEvent: string;
}

const NET: StreamOpener = { open: (options) => connect(options), readyEvent: 'connect' };

let lastId = 0;

/**
 * A TCP (or Unix domain socket) client connection as an observable. Subscribing connects; once
 * connected it emits one {@link TcpConnection} (reading paused until its `data$` is subscribed,
 * so no byte is lost), and completes when the socket has closed. A connect failure is an error
 * notification with the raw system error (`ECONNREFUSED`, `ENOENT` for a missing socket
 * file...); errors after the connection is open are reported on the connection's `data$`.
 * Unsubscribing destroys the socket and removes every listener it added (the two that wait for
 * `close`, `onClosed` and a guard that keeps a late `error` from being unhandled, go when the
 * socket closes). It knows nothing of what the bytes mean.
 *
 * ```
 * subscribe -> connect ----c-------(socket closed)|        unsubscribe -> destroy
 * subscribe -> connect ----#  (ECONNREFUSED)
 * ```
 *
 * Example:
 * ```ts
 * connectTcp({ port: 7000 }).pipe(            // or { host: '::1', port: 7000 }, or { path: '/tmp/app.sock' }
 *   switchMap((conn) => { const in$ = conn.data$; conn.send('hello\n'); return in$; }),
 * ).subscribe((chunk) => console.log(chunk.toString()));
 * ```
 *
 * @see listenTcp, connectTls
 */
export function connectTcp(options: ConnectTcpOptions): Observable<TcpConnection> {
  return connectStream(options, NET);
}

/** connectTcp's contract over any opener. Internal to the transports. */
export function connectStream(options: ConnectTcpOptions, opener: StreamOpener): Observable<TcpConnection> {
  return new Observable<TcpConnection>((subscriber) => {
    const id = options.id ?? ++lastId;
    const path = options.path;
    const socket =
      path === undefined
        ? opener.open({ host: options.host ?? '127.0.0.1', port: options.port })
        : opener.open({ path });
    // Stay paused until someone subscribes to data$ (which resumes): early bytes wait in the socket.
    socket.pause();

    // A destroyed socket may still report an error before 'close'; without a listener it would crash the process.
    const guard = (): void => {};
    socket.on('error', guard);
    socket.once('close', () => socket.off('error', guard));
    if (options.onClosed !== undefined) socket.once('close', options.onClosed);

    const onConnectError = (err: Error): void => subscriber.error(err);
    const onReady = (): void => {
      socket.off('error', onConnectError);
      if (path === undefined) {
        socket.setNoDelay(options.noDelay ?? true);
        subscriber.next(createTcpConnection(socket, id));
        return;
      }
      // A Unix socket has no remote address of its own: the peer is the path.
      subscriber.next(wrapConnection(createTcpConnection(socket, id, 'unix'), { remote: { address: path, port: 0, family: 'unix' } }));
    };
    const onClose = (): void => subscriber.complete();
    socket.once(opener.readyEvent, onReady);
    socket.on('error', onConnectError);
    socket.once('close', onClose);

    return () => {
      socket.off(opener.readyEvent, onReady);
      socket.off('error', onConnectError);
      socket.off('close', onClose);
      socket.destroy();
    };
  });
}
