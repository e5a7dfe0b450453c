import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * The address to bind for a `listen` host, as Go's net.Listen picks it: an IP as it is, '' every
 * interface (`::`), a name its first address, IPv4 first (so `localhost` is 127.0.0.1).
 *
 * Example: `await resolveListenHost('localhost')` is `'127.0.0.1'`.
 *
 * @throws the lookup's error (ENOTFOUND...) for a name that does not resolve.
 */
export async function resolveListenHost(host: string): Promise<string> {
  if (host === '') return '::';
  if (isIP(host) !== 0) return host;
  const { address } = await lookup(host, { verbatim: false });
  return address;
}
