import { ADDRESS_PATH, TRANSPORT_REGISTRY, type Transport } from './Transport.js';

/** Where a socket is bound or who sent a datagram. */
export interface SocketAddress {
  /** An IP address (`127.0.0.1`, `::1`) or, for Unix sockets, a path. */
  readonly address: string;
  /** The port; 0 for Unix sockets. */
  readonly port: number;
  /** `IPv4`, `IPv6` or `unix`. */
  readonly family: string;
}

/** Formats an address as `host:port`, bracketing IPv6 hosts: `[::1]:9000`. Usage: `formatAddress(server.address)`. */
export function formatAddress(address: SocketAddress): string {
  if (address.family === 'unix') return address.address;
  return address.address.includes(':') ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

/** What {@link formatEndpoint} needs: a transport and where it is, host and port or (a path transport: unix) a path. */
export interface Endpoint {
  readonly transport: Transport;
  readonly host: string;
  readonly port: number;
  readonly path?: string | undefined;
}

/**
 * Formats where a server listens or a client connects, for messages: `tcp://127.0.0.1:9000`,
 * `tls://[::1]:9443`, `unix:/tmp/calc.sock`. A transport addressed by a path (see
 * TRANSPORT_REGISTRY) is its name, `:` and the path as given, with no `//`: that form holds a
 * relative path too (`unix:calc.sock`), where `unix://calc.sock` would read as a host, and it is
 * the form gRPC and nginx read. Every rxnet message uses it.
 *
 * Example: `formatEndpoint({ transport: 'unix', host: '', port: 0, path: '/tmp/calc.sock' })` is `'unix:/tmp/calc.sock'`.
 *
 * @see formatAddress
 */
export function formatEndpoint(endpoint: Endpoint): string {
  if (TRANSPORT_REGISTRY[endpoint.transport].address === ADDRESS_PATH) return `${endpoint.transport}:${endpoint.path ?? ''}`;
  return `${endpoint.transport}://${formatAddress({ address: endpoint.host, port: endpoint.port, family: endpoint.host.includes(':') ? 'IPv6' : 'IPv4' })}`;
}
