import { interval, Observable, Subject, Subscription } from 'rxjs';
import type { SocketAddress } from '../transport/SocketAddress.js';
import { notification, responseTargetFor, serviceUsn, type AnnouncedService } from './AnnouncedService.js';
import { answerSearches } from './answerSearches.js';
import { bindSsdpSocket, type SsdpSender } from './bindSsdpSocket.js';
import { resolveAnnounceOptions, type AnnounceOptions } from './discoveryOptions.js';
import { formatSsdpMessage } from './formatSsdpMessage.js';
import type { ReceivedSsdp } from './SsdpMessage.js';

/** What an announcer did, for logging. */
export type AnnounceEvent =
  /** Bound and joined the group; `ssdp:alive` follows. */
  | { readonly type: 'listening'; readonly address: SocketAddress; readonly usn: string; readonly location: string }
  /** Sent `copies` of `ssdp:alive` to the group (on start, then every maxAge / 2). */
  | { readonly type: 'alive'; readonly copies: number }
  /** Heard a search; `answered` says whether it is for this service. */
  | { readonly type: 'search'; readonly from: SocketAddress; readonly st: string; readonly mx?: number; readonly answered: boolean }
  /** Sent a `200 OK` to `to`, `delayMs` after its search arrived. */
  | { readonly type: 'answer'; readonly to: SocketAddress; readonly st: string; readonly delayMs: number }
  /** Ignored a datagram that is not SSDP. */
  | { readonly type: 'invalid'; readonly from: SocketAddress; readonly reason: string };

/** Hooks of {@link announce}. */
export interface AnnounceHooks {
  /** Called once the socket is closed after unsubscribe (after `ssdp:byebye` went out). */
  readonly onClosed?: () => void;
  /** Called when a datagram could not be sent; the announcer goes on. */
  readonly onSendError?: (err: Error) => void;
}

/**
 * Makes a service discoverable over SSDP while subscribed. Subscribing binds a UDP socket to the
 * group's port (shared with other servers on the host), joins the group and multicasts
 * `ssdp:alive` (`copies` times, again every maxAge / 2). Each search for the service type,
 * `ssdp:all` or its uuid is answered with a unicast `200 OK` after a random delay within its MX
 * (capped at 5 s). Unsubscribing cancels pending answers, multicasts `ssdp:byebye`, then closes
 * the socket. A bind or join failure is an RxnetConnectionError notification.
 *
 * ```
 * subscribe -> listening, alive --search--answer-- unsubscribe -> byebye -> close
 * ```
 *
 * Example:
 * ```ts
 * const server = await startServer({ port: 9000 });
 * const announcer = announce({ location: locationOf(server) }).subscribe((e) => console.log(e.type));
 * // later: announcer.unsubscribe(); await server.close();
 * ```
 *
 * @param options merged over ANNOUNCE_DEFAULTS (239.255.255.250:1900, TTL 2, loopback, max-age
 *   1800, 2 copies); `location` is required.
 * @throws RxnetInvalidOptionError at the call for a bad option.
 * @see discover, locationOf, answerSearches
 */
export function announce(options: Partial<AnnounceOptions> & { readonly location: string }, hooks: AnnounceHooks = {}): Observable<AnnounceEvent> {
  const resolved = resolveAnnounceOptions(options);
  const { copies, scheduler } = resolved;
  const service: AnnouncedService = {
    serviceType: resolved.serviceType,
    uuid: resolved.uuid,
    location: resolved.location,
    server: resolved.server,
    maxAge: resolved.maxAge,
  };
  const host = `${resolved.group}:${resolved.port}`;
  const alive = formatSsdpMessage(notification(service, 'ssdp:alive', host));
  const byebye = formatSsdpMessage(notification(service, 'ssdp:byebye', host));

  return new Observable<AnnounceEvent>((subscriber) => {
    const received = new Subject<ReceivedSsdp>();
    const subscription = new Subscription();
    let sender: SsdpSender | undefined;

    const advertise = (): void => {
      for (let i = 0; i < copies; i += 1) sender?.send(alive);
      subscriber.next({ type: 'alive', copies });
    };
    subscription.add(
      received.pipe(answerSearches(service, { random: resolved.random, scheduler })).subscribe(({ message, to, delayMs }) => {
        sender?.send(formatSsdpMessage(message), to);
        subscriber.next({ type: 'answer', to, st: message.st, delayMs });
      }),
    );
    subscription.add(
      bindSsdpSocket({
        network: resolved,
        join: true,
        onListening: (ready) => {
          sender = ready;
          subscriber.next({ type: 'listening', address: ready.address, usn: serviceUsn(service), location: service.location });
          advertise();
          subscription.add(interval(resolved.maxAge * 500, scheduler).subscribe(advertise));
        },
        farewell: () => Array.from({ length: copies }, () => byebye),
        onClosed: hooks.onClosed,
        onSendError: hooks.onSendError,
      }).subscribe({
        next: (datagram) => {
          const { message, sender: from } = datagram;
          if (message.kind === 'invalid') {
            subscriber.next({ type: 'invalid', from, reason: message.reason });
          } else if (message.kind === 'search') {
            const answered = responseTargetFor(message.st, service) !== undefined;
            subscriber.next({ type: 'search', from, st: message.st, ...(message.mx === undefined ? {} : { mx: message.mx }), answered });
          }
          received.next(datagram);
        },
        error: (err: unknown) => subscriber.error(err),
      }),
    );
    return subscription;
  });
}
