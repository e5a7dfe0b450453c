import { asyncScheduler, Subject, type Subscription } from 'rxjs';
import { bindUdp, type Datagram } from '../transport/bindUdp.js';
import { openUdp, type UdpClientSocket } from '../transport/openUdp.js';
import { wireLogger, type WireLogger } from '../observability/wireLogger.js';
import { formatAddress } from '../transport/SocketAddress.js';
import type { ProxyRuntimeOptions, RunningProxy } from './tcpProxy.js';
import { toxicLink } from './toxicLink.js';
import { UdpMappings, type UdpMapping } from './UdpMappings.js';

/** How long a UDP client's mapping lives without traffic, by default: 60 s (conntrack's UDP stream timeout is 120). */
export const UDP_IDLE_TIMEOUT_MS = 60_000;
/** How many client mappings a UDP proxy keeps, by default. */
export const UDP_MAX_MAPPINGS = 1024;
/** Datagrams a new mapping queues while its upstream socket opens. */
const MAX_QUEUED_WHILE_OPENING = 64;

/**
 * A UDP proxy (rxnet's extension to toxiproxy): each client address gets its own upstream
 * socket, so the server's replies go back to the client that asked; both directions run
 * through the toxics per datagram. Mappings expire after `udp.idleTimeoutMs` without traffic
 * and are bounded by `udp.maxMappings` (the least recently active goes). An upstream that does
 * not resolve or refuses closes that client's mapping; its next datagram tries again.
 *
 * Example: `const proxy = await startUdpProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream: { host: '127.0.0.1', port: 9000 }, toxics })`
 *
 * @throws the bind error (EADDRINUSE...).
 * @see startTcpProxy
 */
export function startUdpProxy(options: ProxyRuntimeOptions): Promise<RunningProxy> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const mappings = new UdpMappings<UdpMapping>({
    idleTimeoutMs: options.udp?.idleTimeoutMs ?? UDP_IDLE_TIMEOUT_MS,
    maxMappings: options.udp?.maxMappings ?? UDP_MAX_MAPPINGS,
    scheduler,
  });
  return new Promise<RunningProxy>((resolve, reject) => {
    let resolveClosed: () => void = () => {};
    const closed = new Promise<void>((done) => (resolveClosed = done));
    let bound = false;
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        mappings.clear();
        listener.unsubscribe();
        await closed;
      })();
      return closing;
    };
    const onDatagram = (datagram: Datagram): void => {
      const key = formatAddress(datagram.sender);
      let mapping = mappings.get(key) as ClientMapping | undefined;
      if (mapping === undefined) {
        mapping = openMapping(datagram, options, () => mappings.delete(key), () => mappings.touch(key));
        mappings.add(key, mapping);
      }
      mappings.touch(key);
      mapping.fromClient(datagram);
    };
    const listener = bindUdp({
      host: options.listen.host,
      port: options.listen.port,
      onListening: (address) => {
        bound = true;
        resolve({ address, close });
      },
      onClosed: () => resolveClosed(),
    }).subscribe({
      next: onDatagram,
      error: (err: unknown) => {
        resolveClosed();
        if (!bound) reject(err);
      },
    });
  });
}

/** A client's mapping: its upstream socket and both pipelines. */
interface ClientMapping extends UdpMapping {
  fromClient(datagram: Datagram): void;
}

function openMapping(first: Datagram, options: ProxyRuntimeOptions, onEnd: () => void, onActive: () => void): ClientMapping {
  const subscriptions: Subscription[] = [];
  const fromClient$ = new Subject<Buffer>();
  let reply = first.reply;
  let upstream: UdpClientSocket | undefined;
  let queued: Buffer[] = [];
  let full = false;
  const random = options.random === undefined ? {} : { random: options.random };
  const scheduler = options.scheduler === undefined ? {} : { scheduler: options.scheduler };
  const hold = (): (() => void) => {
    full = true; // a datagram path cannot pause its sender: over the bound, datagrams are dropped
    return () => (full = false);
  };
  const end = (): void => onEnd();
  const tap = options.wiretap;
  const logClient: WireLogger | undefined = tap === undefined ? undefined : wireLogger(tap, formatAddress(first.sender));
  let logUpstream: WireLogger | undefined;
  const forward = (socket: UdpClientSocket, datagram: Buffer): void => {
    logUpstream?.('out', datagram);
    socket.send(datagram);
  };
  const send = (datagram: Buffer): void => {
    options.counter?.count('upstream', 0, datagram.length);
    if (upstream !== undefined) forward(upstream, datagram);
    else if (queued.length < MAX_QUEUED_WHILE_OPENING) queued.push(datagram);
  };
  const link = (stream: 'upstream' | 'downstream') => toxicLink({ protocol: 'udp', toxics$: options.toxics[stream], hold, ...random, ...scheduler });
  subscriptions.push(fromClient$.pipe(link('upstream')).subscribe({ next: send, complete: end, error: end }));
  const host = options.upstream.host === '' ? '127.0.0.1' : options.upstream.host;
  subscriptions.push(
    openUdp({ host, port: options.upstream.port }).subscribe({
      next: (socket) => {
        upstream = socket;
        if (tap !== undefined) logUpstream = wireLogger(tap, formatAddress(socket.remote));
        // Read (counted, logged) before the downstream toxics pass it on.
        subscriptions.push(
          socket.messages$.subscribe({
            next: (datagram) => {
              logUpstream?.('in', datagram);
              options.counter?.count('downstream', datagram.length, 0);
            },
            error: () => {},
          }),
        );
        subscriptions.push(
          socket.messages$.pipe(link('downstream')).subscribe({
            next: (datagram) => {
              onActive();
              options.counter?.count('downstream', 0, datagram.length);
              logClient?.('out', datagram);
              reply(datagram);
            },
            complete: end,
            error: end,
          }),
        );
        for (const datagram of queued) forward(socket, datagram);
        queued = [];
      },
      error: end,
    }),
  );
  return {
    fromClient(datagram) {
      reply = datagram.reply;
      options.counter?.count('upstream', datagram.data.length, 0);
      logClient?.('in', datagram.data);
      if (!full) fromClient$.next(datagram.data);
    },
    close() {
      fromClient$.complete();
      for (const subscription of subscriptions) subscription.unsubscribe();
    },
  };
}
