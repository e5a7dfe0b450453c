import { tap } from 'rxjs';
import { wireLogger, type WiretapSettings } from '../observability/wireLogger.js';
import { formatAddress } from './SocketAddress.js';
import type { TcpConnection } from './TcpConnection.js';
import { wrapConnection } from './wrapConnection.js';

/**
 * The same connection, with every chunk it reads logged as `in` and everything sent on it as
 * `out`, the other end being the peer (`127.0.0.1:9000`): the server's and the client's
 * `--wiretap`. Used only when a wiretap is asked for: an untapped connection pays nothing.
 *
 * Example: `connectTcp({ port }).pipe(map((c) => wiretapConnection(c, { format: 'text', log: console.error })))`
 *
 * @see wireLogger
 */
export function wiretapConnection(connection: TcpConnection, settings: WiretapSettings): TcpConnection {
  const logWire = wireLogger(settings, formatAddress(connection.remote));
  return wrapConnection(connection, {
    data$: connection.data$.pipe(tap((chunk) => logWire('in', chunk))),
    send(data: string | Uint8Array) {
      logWire('out', data);
      connection.send(data);
    },
  });
}
