import { connect } from 'node:net';
import { Observable } from 'rxjs';
import { createTcpConnection, type TcpConnection } from './TcpConnection.js';

/** Options of {@link connectTcp}. */
export interface ConnectTcpOptions {
  /** The host to connect to. Defaults to `127.0.0.1`. */
  readonly host?: string;
  /** The port to connect to. */
  readonly port: number;
  /** The id of the emitted connection (the seed's "session id"). Defaults to a process-wide counter. */
  readonly id?: number;
  /** Disables Nagle's algorithm, so small requests go out at once. Defaults to true. */
  readonly noDelay?: boolean;
  /** Called once the socket has closed, whatever closed it (unsubscribe, a failed connect, the peer). */
  readonly onClosed?: () => void;
}

let lastId = 0;

/**
 * A TCP client connection as an observable. Subscribing connects; once connected it emits one
 * {@link TcpConnection} (reading paused until its `data$` is subscribed, so no byte is lost),
 * and completes when the socket has closed. A connect failure is an error notification with
 * the raw system error (`ECONNREFUSED`...); errors after the connection is open are reported on
 * the connection's `data$`. Unsubscribing destroys the socket and removes every listener it
 * added (the two that wait for `close`, `onClosed` and a guard that keeps a late `error` from
 * being unhandled, go when the socket closes).
 *
 * ```
 * subscribe -> connect ----c-------(socket closed)|        unsubscribe -> destroy
 * subscribe -> connect ----#  (ECONNREFUSED)
 * ```
 *
 * Example:
 * ```ts
 * connectTcp({ port: 7000 }).pipe(
 *   switchMap((conn) => { const in$ = conn.data$; conn.send('hello\n'); return in$; }),
 * ).subscribe((chunk) => console.log(chunk.toString()));
 * ```
 *
 * @see listenTcp
 */
export function connectTcp(options: ConnectTcpOptions): Observable<TcpConnection> {
  return new Observable<TcpConnection>((subscriber) => {
    const id = options.id ?? ++lastId;
    const socket = connect({ host: options.host ?? '127.0.0.1', port: options.port, noDelay: options.noDelay ?? true });
    // Stay paused until someone subscribes to data$ (which resumes): early bytes wait in the socket.
    socket.pause();

    // A destroyed socket may still report an error before 'close'; without a listener it would crash the process.
    const guard = (): void => {};
    socket.on('error', guard);
    socket.once('close', () => socket.off('error', guard));
    if (options.onClosed !== undefined) socket.once('close', options.onClosed);

    const onConnectError = (err: Error): void => subscriber.error(err);
    const onConnect = (): void => {
      socket.off('error', onConnectError);
      subscriber.next(createTcpConnection(socket, id));
    };
    const onClose = (): void => subscriber.complete();
    socket.once('connect', onConnect);
    socket.on('error', onConnectError);
    socket.once('close', onClose);

    return () => {
      socket.off('connect', onConnect);
      socket.off('error', onConnectError);
      socket.off('close', onClose);
      socket.destroy();
    };
  });
}
