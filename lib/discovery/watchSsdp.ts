import type { Observable } from 'rxjs';
import { bindSsdpSocket } from './bindSsdpSocket.js';
import { resolveSsdpNetworkOptions, type SsdpNetworkOptions } from './discoveryOptions.js';
import type { ReceivedSsdp } from './SsdpMessage.js';

/**
 * Every datagram heard on the SSDP group while subscribed, parsed (invalid ones as
 * `kind: 'invalid'` values): searches and advertisements of any service, for logging and tests.
 * Shares the group's port with announcers on the same host; unsubscribing closes the socket.
 *
 * ```
 * subscribe -> join --alive--search--byebye-- unsubscribe -> close
 * ```
 *
 * Example: `watchSsdp().pipe(filter(({ message }) => message.kind === 'notify')).subscribe(console.log)`
 *
 * @param options merged over SSDP_NETWORK_DEFAULTS.
 * @param hooks `onClosed` is called once the socket is closed after unsubscribe.
 * @throws RxnetInvalidOptionError at the call for a bad option.
 * @see announce, discover
 */
export function watchSsdp(options: Partial<SsdpNetworkOptions> = {}, hooks: { readonly onClosed?: () => void } = {}): Observable<ReceivedSsdp> {
  return bindSsdpSocket({ network: resolveSsdpNetworkOptions(options), join: true, onClosed: hooks.onClosed });
}
