import { tap } from 'rxjs';
import { wireLogger, type WiretapSettings } from '../observability/wireLogger.js';
import type { UdpClientSocket } from '../transport/openUdp.js';
import { formatAddress } from '../transport/SocketAddress.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import { wrapConnection } from '../transport/wrapConnection.js';

/**
 * A client's connection with every chunk it reads logged as `in` and everything it sends logged
 * as `out`, the server being the peer (`127.0.0.1:9000`). Used only when a wiretap is asked for:
 * an untapped connection pays nothing.
 *
 * Example: `connectTcp({ port }).pipe(map((c) => wiretapClientConnection(c, { format: 'text', log: console.error })))`
 *
 * @see wiretapUdpSocket, wireLogger
 */
export function wiretapClientConnection(connection: TcpConnection, settings: WiretapSettings): TcpConnection {
  const logWire = wireLogger(settings, formatAddress(connection.remote));
  return wrapConnection(connection, {
    data$: connection.data$.pipe(tap((chunk) => logWire('in', chunk))),
    send(data: string | Uint8Array) {
      logWire('out', data);
      connection.send(data);
    },
  });
}

/**
 * A client's UDP socket with every datagram it sends logged as `out` and every datagram from the
 * peer logged as `in`, once per datagram however many subscribe to `messages$`.
 *
 * Example: `openUdp({ port }).pipe(map((s) => wiretapUdpSocket(s, { format: 'hex', log: console.error })))`
 *
 * @see wiretapClientConnection, wireLogger
 */
export function wiretapUdpSocket(socket: UdpClientSocket, settings: WiretapSettings): UdpClientSocket {
  const logWire = wireLogger(settings, formatAddress(socket.remote));
  let logged: Buffer | undefined;
  return {
    ...socket,
    messages$: socket.messages$.pipe(
      tap((datagram) => {
        // Each subscriber sees the same Buffer: log it once.
        if (datagram === logged) return;
        logged = datagram;
        logWire('in', datagram);
      }),
    ),
    send(data: string | Uint8Array) {
      logWire('out', data);
      socket.send(data);
    },
  };
}
