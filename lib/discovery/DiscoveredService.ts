import type { SocketAddress } from '../transport/SocketAddress.js';
import { formatLocation, parseLocation, type ServiceLocation } from './ServiceLocation.js';
import type { ReceivedSsdp } from './SsdpMessage.js';

/** One server found by {@link discover}. */
export interface DiscoveredService extends ServiceLocation {
  /** `transport://host:port`, ready for a client, e.g. `tcp://127.0.0.1:9000`. */
  readonly location: string;
  /** The server's unique service name (one per server). */
  readonly usn: string;
  /** Its SERVER header. */
  readonly server: string;
  /** The ST or NT it answered with. */
  readonly st: string;
  /** Seconds the answer stays valid. */
  readonly maxAge: number;
  /** `search` for an answer to our search, `notify` for an `ssdp:alive` heard on the group. */
  readonly via: 'search' | 'notify';
  /** Where the answer came from. */
  readonly from: SocketAddress;
}

const WILDCARDS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/**
 * The service a received datagram tells of, or `undefined` when it tells of none we want: a
 * search answer whose ST is `serviceType` (or `searchTarget`), or an `ssdp:alive` whose NT is
 * `serviceType`, with a `tcp://` or `udp://` LOCATION. A wildcard host (`0.0.0.0`, `::`), as a
 * server listening on every address reports, is replaced by the address the datagram came from.
 *
 * Example: an answer `LOCATION: tcp://0.0.0.0:9000` from 10.0.0.7 gives `location: 'tcp://10.0.0.7:9000'`.
 *
 * @see discover
 */
export function toDiscoveredService(received: ReceivedSsdp, serviceType: string, searchTarget = serviceType): DiscoveredService | undefined {
  const { message, sender } = received;
  let found: { location: string; usn: string; server: string; st: string; maxAge: number; via: 'search' | 'notify' };
  if (message.kind === 'response' && (message.st === serviceType || message.st === searchTarget)) {
    found = { location: message.location, usn: message.usn, server: message.server, st: message.st, maxAge: message.maxAge, via: 'search' };
  } else if (message.kind === 'notify' && message.nts === 'ssdp:alive' && message.nt === serviceType) {
    found = {
      location: message.location ?? '',
      usn: message.usn,
      server: message.server ?? '',
      st: message.nt,
      maxAge: message.maxAge ?? 0,
      via: 'notify',
    };
  } else {
    return undefined;
  }
  const parsed = parseLocation(found.location);
  if (parsed === undefined) return undefined;
  const where = WILDCARDS.has(parsed.host) ? { ...parsed, host: sender.address } : parsed;
  return { ...found, ...where, location: formatLocation(where), from: sender };
}
