import type { SocketAddress } from '../transport/SocketAddress.js';
import { DISCOVERABLE_TRANSPORTS, isDiscoverableTransport, isTransport, type DiscoverableTransport } from '../transport/Transport.js';

/** The transports a discovered location may name: the discoverable ones of TRANSPORT_REGISTRY (`tcp`, `udp`). */
export const LOCATION_TRANSPORTS: readonly DiscoverableTransport[] = DISCOVERABLE_TRANSPORTS;
export type LocationTransport = DiscoverableTransport;

/** Where a service listens: the parts of a `tcp://host:port` or `udp://host:port` LOCATION. */
export interface ServiceLocation {
  readonly transport: LocationTransport;
  /** A host name, an IPv4 address or an IPv6 address (without brackets). */
  readonly host: string;
  /** 1-65535. */
  readonly port: number;
}

const LOCATION = /^([a-z]+):\/\/(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})\/?$/;

/**
 * Formats a location as `transport://host:port`, bracketing an IPv6 host.
 *
 * Example: `formatLocation({ transport: 'tcp', host: '::1', port: 9000 })` is `'tcp://[::1]:9000'`.
 *
 * @see parseLocation, locationOf
 */
export function formatLocation(location: ServiceLocation): string {
  const host = location.host.includes(':') ? `[${location.host}]` : location.host;
  return `${location.transport}://${host}:${location.port}`;
}

/**
 * Parses a `tcp://host:port` or `udp://host:port` LOCATION; anything else (an `http://` device
 * description, port 0, a path) gives `undefined`.
 *
 * Example: `parseLocation('udp://127.0.0.1:9001')` is `{ transport: 'udp', host: '127.0.0.1', port: 9001 }`.
 *
 * @see formatLocation
 */
export function parseLocation(text: string): ServiceLocation | undefined {
  const match = LOCATION.exec(text.trim());
  if (match === null) return undefined;
  const [, transport, ipv6, host, port] = match;
  const number = Number(port);
  if (number < 1 || number > 65535 || transport === undefined) return undefined;
  if (!isTransport(transport) || !isDiscoverableTransport(transport)) return undefined;
  return { transport, host: ipv6 ?? host ?? '', port: number };
}

/**
 * The LOCATION of a running server: its transport and bound address. Takes any
 * `{ transport, address }`, such as what `startServer` resolves to.
 *
 * Example: `announce({ location: locationOf(server) })`; for a TCP server on 127.0.0.1:9000 it is
 * `'tcp://127.0.0.1:9000'`.
 *
 * @see announce
 */
export function locationOf(server: { readonly transport: LocationTransport; readonly address: SocketAddress }): string {
  return formatLocation({ transport: server.transport, host: server.address.address, port: server.address.port });
}
