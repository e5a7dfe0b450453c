import { kSendNow, type SendsNow, type TcpConnection, type TextEncoding } from './TcpConnection.js';

/** What {@link wrapConnection} may replace. */
export type ConnectionOverrides = Partial<Pick<TcpConnection, 'remote' | 'data$' | 'send'>>;

/**
 * The same connection with some of its members replaced (a wiretap's logged `data$` and `send`,
 * a Unix socket's peer path as `remote`); the rest calls through to `connection`. Wrap a
 * connection with it, not with a spread: a connection's methods are on its prototype, which a
 * spread does not copy.
 *
 * Example: `wrapConnection(connection, { data$: connection.data$.pipe(tap(log)) })`
 */
export function wrapConnection(connection: TcpConnection, overrides: ConnectionOverrides): TcpConnection {
  const stopReading = connection.stopReading;
  // Writing at once is the connection's own send, so it is kept only with that send.
  const now = overrides.send === undefined ? (connection as TcpConnection & SendsNow)[kSendNow] : undefined;
  return {
    id: connection.id,
    remote: overrides.remote ?? connection.remote,
    socket: connection.socket,
    data$: overrides.data$ ?? connection.data$,
    send: overrides.send ?? ((data) => connection.send(data)),
    end: () => connection.end(),
    hold: () => connection.hold(),
    destroy: () => connection.destroy(),
    ...(stopReading === undefined ? {} : { stopReading: () => stopReading.call(connection) }),
    ...(now === undefined ? {} : { [kSendNow]: (data: string, encoding: TextEncoding) => now.call(connection, data, encoding) }),
  };
}
