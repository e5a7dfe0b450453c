import { tap } from 'rxjs';
import { wireLogger, type WiretapSettings } from '../observability/wireLogger.js';
import type { UdpClientSocket } from '../transport/openUdp.js';
import { formatAddress } from '../transport/SocketAddress.js';

/**
 * A client's UDP socket with every datagram it sends logged as `out` and every datagram from the
 * peer logged as `in`, once per datagram however many subscribe to `messages$`.
 *
 * Example: `openUdp({ port }).pipe(map((s) => wiretapUdpSocket(s, { format: 'hex', log: console.error })))`
 *
 * @see wiretapConnection, wireLogger
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
