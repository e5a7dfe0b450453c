import { wireLogger, type WiretapSettings } from '../observability/wireLogger.js';
import { formatAddress } from '../transport/SocketAddress.js';
import type { Datagram } from '../transport/bindUdp.js';

export type { WiretapSettings } from '../observability/wireLogger.js';

/**
 * The same datagram, logged as `in` now, and its reply logged as `out` when sent.
 *
 * Example: `serve(options.wiretap === undefined ? datagram : wiretapDatagram(datagram, options.wiretap))`
 */
export function wiretapDatagram(datagram: Datagram, settings: WiretapSettings): Datagram {
  const logWire = wireLogger(settings, formatAddress(datagram.sender));
  logWire('in', datagram.data);
  return {
    ...datagram,
    reply(data: string | Uint8Array) {
      logWire('out', data);
      datagram.reply(data);
    },
  };
}
