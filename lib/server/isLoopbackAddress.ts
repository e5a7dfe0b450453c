/**
 * True for a loopback source address: 127.0.0.0/8, `::1`, or 127.0.0.0/8 mapped into IPv6
 * (`::ffff:127.x.y.z`, on a dual-stack socket). The kernel never accepts such a source from
 * another host, so a datagram from one cannot be a forged request aimed at a third party: the
 * UDP per-source rate limit does not apply to it (docs/reliability.md).
 *
 * Example: `isLoopbackAddress('127.0.0.2')` is `true`; `isLoopbackAddress('10.0.0.1')` is `false`.
 */
export function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
