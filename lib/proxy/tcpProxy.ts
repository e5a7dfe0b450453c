import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { connectTcp } from '../transport/connectTcp.js';
import { listenTcp } from '../transport/listenTcp.js';
import { wireLogger, type WiretapSettings } from '../observability/wireLogger.js';
import { formatAddress, type SocketAddress } from '../transport/SocketAddress.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import type { HostPort } from './parseHostPort.js';
import { pipeDirection, type PipeDirectionOptions, type PipeEnd } from './pipeDirection.js';
import type { ProxyByteCounter } from './ProxyByteCounter.js';
import type { ToxicRecord, ToxicStream } from './ToxicRecord.js';

/** How many connections a TCP proxy keeps open at most, by default (each costs two sockets and buffers). */
export const TCP_MAX_CONNECTIONS = 4096;

/** Options of {@link startTcpProxy} and its UDP sibling. */
export interface ProxyRuntimeOptions {
  /** The address to bind (an IP; see resolveListenHost). */
  readonly listen: HostPort;
  /** Where clients are forwarded; a name is resolved per client, so one that does not resolve fails only then. */
  readonly upstream: HostPort;
  /** The toxics of each direction, live. */
  readonly toxics: Readonly<Record<ToxicStream, Observable<readonly ToxicRecord[]>>>;
  readonly counter?: ProxyByteCounter;
  readonly random?: () => number;
  /** Times the toxics and the UDP mappings' expiry. Defaults to RxJS's asyncScheduler. */
  readonly scheduler?: SchedulerLike;
  /** A TCP proxy closes connections beyond this many open ones as they arrive. Defaults to 4096. */
  readonly maxConnections?: number;
  /** A UDP proxy's client mappings: their idle expiry and their bound (see startUdpProxy). */
  readonly udp?: { readonly idleTimeoutMs?: number; readonly maxMappings?: number };
  /**
   * Logs the bytes of both sides of every connection or datagram (`--wiretap`): what is read
   * from the client (`in`) and written to the upstream (`out`) after the upstream toxics, what
   * is read from the upstream (`in`) and written to the client (`out`) after the downstream
   * ones, each with that side's peer. Defaults to none, at no cost.
   */
  readonly wiretap?: WiretapSettings;
}

/** A proxy that is listening. */
export interface RunningProxy {
  /** The bound address (the real port when 0 was asked). */
  readonly address: SocketAddress;
  /** Stops listening and destroys every connection; resolves once the listening socket is closed. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Listens and forwards each client to the upstream through the toxics (toxiproxy's proxy). A
 * client whose upstream cannot be reached (refused, unresolvable) is closed. Both directions
 * carry half-closes; a toxic that closes one direction closes the connection; a reset (a
 * reset_peer toxic, or a peer's RST) resets both sides.
 *
 * Example: `const proxy = await startTcpProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream: { host: '127.0.0.1', port: 6379 }, toxics })`
 *
 * @throws the listen error (EADDRINUSE...).
 * @see startUdpProxy
 */
export function startTcpProxy(options: ProxyRuntimeOptions): Promise<RunningProxy> {
  return new Promise<RunningProxy>((resolve, reject) => {
    const connections = new Set<Subscription>();
    let listening = false;
    let resolveClosed: () => void = () => {};
    const closed = new Promise<void>((done) => (resolveClosed = done));
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        for (const connection of [...connections]) connection.unsubscribe();
        connections.clear();
        listener.unsubscribe();
        await closed;
      })();
      return closing;
    };
    const listener = listenTcp({
      host: options.listen.host,
      port: options.listen.port,
      maxConnections: options.maxConnections ?? TCP_MAX_CONNECTIONS,
      onListening: (address) => {
        listening = true;
        resolve({ address, close });
      },
      onClosed: () => resolveClosed(),
    }).subscribe({
      next: (client) => {
        const connection = serveClient(client, options, () => connections.delete(connection));
        connections.add(connection);
      },
      error: (err: unknown) => {
        resolveClosed();
        if (!listening) reject(err);
      },
    });
  });
}

/** Connects one client to the upstream and pipes both directions. */
function serveClient(client: TcpConnection, options: ProxyRuntimeOptions, onDone: () => void): Subscription {
  const host = options.upstream.host === '' ? '127.0.0.1' : options.upstream.host;
  return connectTcp({ host, port: options.upstream.port }).subscribe({
    next: (server) => wire(client, server, options, onDone),
    error: () => {
      client.destroy();
      onDone();
    },
  });
}

function wire(client: TcpConnection, server: TcpConnection, options: ProxyRuntimeOptions, onDone: () => void): void {
  let open = 2;
  const closeWhenFlushed = (connection: TcpConnection): void => {
    if (connection.socket.writableFinished || connection.socket.destroyed) connection.destroy();
    else connection.socket.once('finish', () => connection.destroy());
  };
  const onEnd = (end: PipeEnd): void => {
    open -= 1;
    if (end === 'reset') {
      client.socket.resetAndDestroy();
      server.socket.resetAndDestroy();
    } else if (end === 'failed') {
      client.destroy();
      server.destroy();
    } else if (end === 'toxic-closed' || open === 0) {
      client.end();
      server.end();
      closeWhenFlushed(client);
      closeWhenFlushed(server);
    }
  };
  const count = (direction: ToxicStream) => (received: number, sent: number) => options.counter?.count(direction, received, sent);
  const random = options.random === undefined ? {} : { random: options.random };
  const [upWire, downWire] = wires(client, server, options.wiretap);
  const up = pipeDirection(client, server, { toxics$: options.toxics.upstream, onEnd, onBytes: count('upstream'), ...random, ...upWire });
  const down = pipeDirection(server, client, { toxics$: options.toxics.downstream, onEnd, onBytes: count('downstream'), ...random, ...downWire });
  let sockets = 2;
  const onClose = (): void => {
    sockets -= 1;
    if (sockets > 0) return;
    up.unsubscribe();
    down.unsubscribe();
    onDone();
  };
  client.socket.once('close', onClose);
  server.socket.once('close', onClose);
}

/** The wiretap of each direction (read from one side, written to the other), or nothing when not asked for. */
function wires(client: TcpConnection, server: TcpConnection, settings: WiretapSettings | undefined): [Pick<PipeDirectionOptions, 'wire'>, Pick<PipeDirectionOptions, 'wire'>] {
  if (settings === undefined) return [{}, {}];
  const logClient = wireLogger(settings, formatAddress(client.remote));
  const logServer = wireLogger(settings, formatAddress(server.remote));
  const inFrom = (log: typeof logClient) => (bytes: Uint8Array) => log('in', bytes);
  const outTo = (log: typeof logClient) => (bytes: Uint8Array) => log('out', bytes);
  return [{ wire: { read: inFrom(logClient), written: outTo(logServer) } }, { wire: { read: inFrom(logServer), written: outTo(logClient) } }];
}
