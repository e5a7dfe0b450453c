import { defer, distinct, EMPTY, filter, map, merge, type Observable, Subject, takeUntil, timer } from 'rxjs';
import { RxnetConnectionError } from '../errors.js';
import { bindSsdpSocket } from './bindSsdpSocket.js';
import { toDiscoveredService, type DiscoveredService } from './DiscoveredService.js';
import { resolveDiscoverOptions, type DiscoverOptions } from './discoveryOptions.js';
import { formatSsdpMessage } from './formatSsdpMessage.js';

/** Hooks of {@link discover}. */
export interface DiscoverHooks {
  /** Called once every socket is closed, after the window ends or on unsubscribe. */
  readonly onClosed?: () => void;
  /** Called when the search could not be sent (the stream then errors too). */
  readonly onSendError?: (err: Error) => void;
}

/**
 * Finds servers over SSDP: multicasts an `M-SEARCH` for the service type (`copies` times, from a
 * free port), collects the unicast answers (and, with `includeNotify`, `ssdp:alive`
 * advertisements) for `windowMs`, emits each server once (by USN), and completes when the window
 * ends. Unsubscribing earlier closes the socket. Datagrams that are not SSDP, answers for other
 * targets and locations other than `tcp://` / `udp://` are ignored. A search that cannot be sent
 * (no multicast route: `ENETUNREACH`) or a socket that cannot be bound is an
 * RxnetConnectionError notification, not an empty result.
 *
 * ```
 * subscribe -> M-SEARCH --a--b--a'-------|     (a' repeats a's USN; | at windowMs)
 *                        --A--B-----------|
 * ```
 *
 * Example:
 * ```ts
 * const servers = await lastValueFrom(discover({ mx: 1 }).pipe(toArray()));
 * console.log(servers.map((s) => s.location)); // ['tcp://127.0.0.1:9000', ...]
 * ```
 *
 * @param options merged over DISCOVER_DEFAULTS (239.255.255.250:1900, MX 2, window (MX + 1) s,
 *   2 copies, answers only).
 * @throws RxnetInvalidOptionError at the call for a bad option.
 * @see announce, toDiscoveredService
 */
export function discover(options: Partial<DiscoverOptions> = {}, hooks: DiscoverHooks = {}): Observable<DiscoveredService> {
  const resolved = resolveDiscoverOptions(options);
  const { serviceType, searchTarget, copies } = resolved;
  const search = formatSsdpMessage({ kind: 'search', host: `${resolved.group}:${resolved.port}`, st: searchTarget, mx: resolved.mx });
  return defer(() => {
    const sendFailures = new Subject<never>();
    let open = resolved.includeNotify ? 2 : 1;
    const onClosed = (): void => {
      open -= 1;
      if (open === 0) hooks.onClosed?.();
    };
    const onSendError = (err: Error): void => {
      hooks.onSendError?.(err);
      const syscallCode = (err as { code?: unknown }).code;
      const address = `udp://${resolved.group}:${resolved.port}`;
      sendFailures.error(
        new RxnetConnectionError(
          `Cannot send M-SEARCH to ${resolved.group}:${resolved.port}: ${err.message}`,
          typeof syscallCode === 'string' ? { address, syscallCode } : { address },
          { cause: err },
        ),
      );
    };
    const answers$ = bindSsdpSocket({
      network: resolved,
      join: false,
      onListening: (sender) => {
        for (let i = 0; i < copies; i += 1) sender.send(search);
      },
      onClosed,
      onSendError,
    });
    const advertisements$ = resolved.includeNotify ? bindSsdpSocket({ network: resolved, join: true, onClosed }) : EMPTY;
    return merge(answers$, advertisements$, sendFailures).pipe(
      map((received) => toDiscoveredService(received, serviceType, searchTarget)),
      filter((found): found is DiscoveredService => found !== undefined),
      distinct((found) => found.usn),
      takeUntil(timer(resolved.windowMs, resolved.scheduler)),
    );
  });
}
