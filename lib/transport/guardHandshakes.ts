import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * How long a TLS handshake may take by default: 10 s. A handshake is one or two round trips
 * plus the key exchange, milliseconds on a LAN; even a client 1 s of round trip away that loses
 * packets (TCP retransmits after 1, 2, 4 s) is done well within 10 s, and rxnet's own clients give
 * up a connection after 5 s. An attacker, in turn, holds a slot for at most 10 s per connection.
 */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Options of {@link guardHandshakes}. */
export interface HandshakeGuardOptions {
  /** A connection whose handshake is not done this long after it arrived is closed. Defaults to 10,000 ms. */
  readonly handshakeTimeoutMs?: number;
  /** Called with the number of connections in their handshake whenever it changes. */
  readonly onHandshaking?: (count: number) => void;
  /** The scheduler of the deadlines. Defaults to asyncScheduler. */
  readonly scheduler?: SchedulerLike;
}

/** One connection in its handshake: its TCP socket and its deadline. */
interface Handshake {
  readonly socket: Socket;
  readonly deadline: Subscription;
}

/** The connection's addresses, the same for its TCP socket and its TLS socket; undefined once the peer is gone. */
function connectionKey(socket: Socket): string | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (remoteAddress === undefined || remotePort === undefined) return undefined;
  return `${remoteAddress} ${remotePort} ${localAddress ?? ''} ${localPort ?? ''}`;
}

/**
 * Bounds the handshakes of a node:tls server, which by itself keeps a connection that never
 * finishes its handshake open for good (issue 11): each connection gets a deadline from its
 * arrival to its `secureConnection`, a handshake error (`tlsClientError`: a protocol error, a
 * reset, a FIN) destroys it, and the number of connections in their handshake is reported.
 * Create the server with `allowHalfOpen: false`, so that a FIN during the handshake ends the
 * connection; each connection is made half-open (`allowHalfOpen = true`) once its handshake is
 * done, so a client may still end its side and get its replies. The listeners go when the
 * server closes.
 *
 * Example: `guardHandshakes(createServer({ cert, key, allowHalfOpen: false }), { handshakeTimeoutMs: 5000 })`
 *
 * @returns the server.
 * @see listenTls
 */
export function guardHandshakes<S extends EventEmitter>(server: S, options: HandshakeGuardOptions = {}): S {
  const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const scheduler = options.scheduler ?? asyncScheduler;
  /** By connectionKey: a TLS socket is matched to its TCP socket by their addresses. */
  const pending = new Map<string, Handshake>();
  const report = (): void => options.onHandshaking?.(pending.size);

  const finish = (key: string, handshake: Handshake): void => {
    handshake.deadline.unsubscribe();
    if (pending.get(key) !== handshake) return;
    pending.delete(key);
    report();
  };
  const onConnection = (socket: Socket): void => {
    const key = connectionKey(socket);
    if (key === undefined) {
      socket.destroy(); // the peer is gone already
      return;
    }
    // The same addresses again: the earlier connection has closed, its 'close' is still to come.
    pending.get(key)?.socket.destroy();
    const handshake: Handshake = { socket, deadline: scheduler.schedule(() => socket.destroy(), timeoutMs) };
    pending.set(key, handshake);
    socket.once('close', () => finish(key, handshake));
    report();
  };
  const onSecure = (socket: TLSSocket): void => {
    socket.allowHalfOpen = true;
    const key = connectionKey(socket);
    const handshake = key === undefined ? undefined : pending.get(key);
    if (key !== undefined && handshake !== undefined) finish(key, handshake);
  };
  const onClientError = (_err: Error, socket: TLSSocket): void => {
    socket.destroy();
  };

  server.on('connection', onConnection);
  server.on('secureConnection', onSecure);
  server.on('tlsClientError', onClientError);
  server.once('close', () => {
    server.off('connection', onConnection);
    server.off('secureConnection', onSecure);
    server.off('tlsClientError', onClientError);
    for (const handshake of pending.values()) handshake.deadline.unsubscribe();
    pending.clear();
  });
  return server;
}
