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
  return address.family === 'unix' ? address.address : formatHostPort(address.address, address.port);
}

/** Formats a host and a port as `host:port`, bracketing an IPv6 host: `[::1]:9000`. Usage: `formatHostPort(options.host, port)`. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
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
  return `${endpoint.transport}://${formatHostPort(endpoint.host, endpoint.port)}`;
}
