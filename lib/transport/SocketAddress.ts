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
