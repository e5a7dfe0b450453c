import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { Observable, type Subscriber } from 'rxjs';
import type { SocketAddress } from './SocketAddress.js';
import { closeUdpSocket } from './closeUdpSocket.js';

/** A client UDP socket connected to one peer: what {@link openUdp} emits. */
export interface UdpClientSocket {
  /** Our bound address (a fresh ephemeral port). */
  readonly local: SocketAddress;
  /** The peer every datagram goes to, and the only one whose datagrams are let in. */
  readonly remote: SocketAddress;
  /**
   * The payloads of datagrams from the peer, while subscribed (datagrams from any other address
   * or port are dropped). Errors with the socket's error: `ECONNREFUSED` when the peer's host
   * reports nothing listening (ICMP port unreachable), or a failed send. Any number of
   * subscribers; each gets every datagram that arrives while it is subscribed.
   */
  readonly messages$: Observable<Buffer>;
  /** Sends one datagram to the peer. A send error goes to the subscribers of `messages$`. Ignored once closed. */
  send(data: string | Uint8Array): void;
}

/** Options of {@link openUdp}. */
export interface OpenUdpOptions {
  /** The peer's host (name or IP); an IPv6 address opens a `udp6` socket. Defaults to `127.0.0.1`. */
  readonly host?: string;
  /** The peer's port. */
  readonly port: number;
  /** Called once the socket is closed after unsubscribe (or a failed connect). */
  readonly onClosed?: () => void;
}

/**
 * A client UDP socket as an observable. Subscribing creates a socket on a fresh ephemeral port,
 * connects it to the peer (so the kernel, and a check here, keep out every other sender) and
 * emits one {@link UdpClientSocket}; it never completes by itself. Unsubscribing closes the
 * socket and removes every listener it added. A failed connect (`ENOTFOUND`...) is an error
 * notification with the raw system error. It knows nothing of what the bytes mean.
 *
 * ```
 * subscribe -> bind + connect --s------------ unsubscribe -> close
 * ```
 *
 * Example:
 * ```ts
 * openUdp({ port: 9000 }).pipe(
 *   switchMap((socket) => merge(socket.messages$, defer(() => (socket.send('+,1,1'), EMPTY)))), // listen, then send
 *   take(1),
 * ).subscribe((reply) => console.log(reply.toString()));
 * ```
 *
 * @see bindUdp
 */
export function openUdp(options: OpenUdpOptions): Observable<UdpClientSocket> {
  return new Observable<UdpClientSocket>((subscriber) => {
    const host = options.host ?? '127.0.0.1';
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    const listeners = new Set<Subscriber<Buffer>>();
    let open = true;
    let remote: SocketAddress | undefined;

    const fail = (err: Error): void => {
      for (const listener of [...listeners]) listener.error(err);
    };
    const onMessage = (data: Buffer, rinfo: RemoteInfo): void => {
      if (remote === undefined || rinfo.address !== remote.address || rinfo.port !== remote.port) return;
      for (const listener of [...listeners]) listener.next(data);
    };
    // Before connecting, an error (ENOTFOUND...) fails the subscription. After, errors
    // (ECONNREFUSED from an ICMP port unreachable, a failed send) go to whoever listens to
    // messages$; with no listener they are dropped rather than crash the process.
    const onError = (err: Error): void => (remote === undefined ? subscriber.error(err) : fail(err));
    const onSent = (err: Error | null): void => {
      if (err !== null && open) fail(err);
    };

    const messages$ = new Observable<Buffer>((listener) => {
      if (!open) {
        listener.complete();
        return undefined;
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    });

    const onConnect = (): void => {
      remote = socket.remoteAddress();
      subscriber.next({
        local: socket.address(),
        remote,
        messages$,
        send: (data) => {
          if (open) socket.send(data, onSent);
        },
      });
    };

    const teardown = (): void => {
      open = false;
      for (const listener of [...listeners]) listener.complete();
      listeners.clear();
      socket.off('message', onMessage);
      socket.off('connect', onConnect);
      closeUdpSocket(socket, onError, () => options.onClosed?.());
    };

    socket.on('message', onMessage);
    socket.on('error', onError);
    socket.once('connect', onConnect);
    try {
      socket.connect(options.port, host);
    } catch (err) {
      // A bad port or address throws at once (ERR_SOCKET_BAD_PORT...): report it, then tear down.
      subscriber.error(err);
    }
    return teardown;
  });
}
