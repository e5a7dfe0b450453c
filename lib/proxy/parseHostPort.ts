/** A `host:port` address as toxiproxy's `listen` and `upstream` fields hold it. */
export interface HostPort {
  /** A name or an IP (IPv6 without brackets); '' for every interface. */
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `host:port`, `[v6]:port` or `:port` (every interface), as Go's net.SplitHostPort does;
 * undefined when the text is not one or the port is not a whole number 0-65535.
 *
 * Example: `parseHostPort('[::1]:8474')` is `{ host: '::1', port: 8474 }`.
 */
export function parseHostPort(text: string): HostPort | undefined {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/**
 * Formats an address as Go's net.JoinHostPort does: `127.0.0.1:80`, `[::1]:80`.
 *
 * Example: `formatHostPort({ host: '::', port: 9000 })` is `'[::]:9000'`.
 */
export function formatHostPort(address: HostPort): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
