import { formatWireEntry, wiretap, type WiretapFormat } from '../observability/wiretap.js';
import { formatAddress } from '../transport/SocketAddress.js';
import type { Datagram } from '../transport/bindUdp.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import { wrapConnection } from '../transport/wrapConnection.js';

/** What to log the bytes of every connection or datagram with (`--wiretap text|hex`). */
export interface WiretapSettings {
  /** `text` (escaped) or `hex` (`hexdump -C`). */
  readonly format: WiretapFormat;
  /** Writes one log entry (a header line and the bytes). */
  readonly log: (entry: string) => void;
}

/**
 * The same connection, with every chunk it reads logged as `in` and everything sent on it as
 * `out` (see wiretap). Used only when a wiretap is asked for: an untapped connection pays nothing.
 *
 * Example: `serveConnection(options.wiretap === undefined ? conn : wiretapConnection(conn, options.wiretap))`
 */
export function wiretapConnection(connection: TcpConnection, settings: WiretapSettings): TcpConnection {
  const peer = formatAddress(connection.remote);
  const logOut = (data: string | Uint8Array): void =>
    settings.log(formatWireEntry(typeof data === 'string' ? Buffer.from(data) : data, { format: settings.format, direction: 'out', peer, now: Date.now() }));
  return wrapConnection(connection, {
    data$: connection.data$.pipe(wiretap({ format: settings.format, direction: 'in', peer, log: settings.log })),
    send(data: string | Uint8Array) {
      logOut(data);
      connection.send(data);
    },
  });
}

/**
 * The same datagram, logged as `in` now, and its reply logged as `out` when sent.
 *
 * Example: `serve(options.wiretap === undefined ? datagram : wiretapDatagram(datagram, options.wiretap))`
 */
export function wiretapDatagram(datagram: Datagram, settings: WiretapSettings): Datagram {
  const peer = formatAddress(datagram.sender);
  const entry = (bytes: Uint8Array, direction: 'in' | 'out'): string => formatWireEntry(bytes, { format: settings.format, direction, peer, now: Date.now() });
  settings.log(entry(datagram.data, 'in'));
  return {
    ...datagram,
    reply(data: string | Uint8Array) {
      settings.log(entry(typeof data === 'string' ? Buffer.from(data) : data, 'out'));
      datagram.reply(data);
    },
  };
}
