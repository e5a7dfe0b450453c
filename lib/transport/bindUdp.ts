import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { Observable } from 'rxjs';
import { closeUdpSocket } from './closeUdpSocket.js';
import type { SocketAddress } from './SocketAddress.js';

/** One received datagram, carrying its sender so the reply goes back to it. */
export interface Datagram {
  /** The payload. */
  readonly data: Buffer;
  /** Who sent it. */
  readonly sender: SocketAddress;
  /** Sends `data` back to the sender from the socket it arrived on. Send errors are reported to `onSendError`. */
  reply(data: string | Uint8Array): void;
}

/** Options of {@link bindUdp}. */
export interface BindUdpOptions {
  /** The address to bind. Defaults to `127.0.0.1`; an IPv6 address binds a `udp6` socket. */
  readonly host?: string;
  /** The port; 0 picks a free one. Defaults to 0. */
  readonly port?: number;
  /** Called once bound, with the bound address. */
  readonly onListening?: (address: SocketAddress) => void;
  /** Called once the socket is closed after unsubscribe (or a failed bind). */
  readonly onClosed?: () => void;
  /** Called when a reply could not be sent (for example `EMSGSIZE`); the socket goes on. */
  readonly onSendError?: (err: Error) => void;
}

/**
 * A UDP socket as an observable of datagrams. Subscribing binds; unsubscribing stops receiving,
 * lets replies already handed to the socket go out, then closes it and removes every listener
 * it added. A bind failure (`EADDRINUSE`...) is an error notification.
 *
 * ```
 * subscribe -> bind --d1--d2--d3-- unsubscribe -> close
 * ```
 *
 * Example: `bindUdp({ port: 9000 }).subscribe((d) => d.reply(d.data))` is a UDP echo server.
 *
 * @see listenTcp
 */
export function bindUdp(options: BindUdpOptions = {}): Observable<Datagram> {
  return new Observable<Datagram>((subscriber) => {
    const host = options.host ?? '127.0.0.1';
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    let open = true;
    let bound = false;
    const onMessage = (data: Buffer, rinfo: RemoteInfo): void => {
      const sender: SocketAddress = { address: rinfo.address, port: rinfo.port, family: rinfo.family };
      subscriber.next({
        data,
        sender,
        reply: (reply) => {
          // No callback: with one, every send that completes at once costs a process.nextTick.
          // A failed send is emitted as 'error' instead, reported to onSendError below.
          if (open) socket.send(reply, rinfo.port, rinfo.address);
        },
      });
    };
    const onError = (err: Error): void => {
      if (bound) options.onSendError?.(err);
      else subscriber.error(err);
    };
    const onListening = (): void => {
      bound = true;
      options.onListening?.(socket.address());
    };

    socket.on('message', onMessage);
    socket.on('error', onError);
    socket.once('listening', onListening);
    socket.bind({ address: host, port: options.port ?? 0 });

    const close = (): void => closeUdpSocket(socket, onError, () => options.onClosed?.());
    return () => {
      open = false;
      socket.off('message', onMessage);
      socket.off('listening', onListening);
      // Replies already handed over still go out (a graceful stop relies on it); then it closes.
      // dgram hands a send to libuv a tick later (after its address lookup); one that could not
      // complete at once then waits in libuv's queue. So: wait a turn, then poll the queue (bounded).
      if (!bound) {
        close();
        return;
      }
      let polls = 0;
      const closeWhenSent = (): void => {
        if (socket.getSendQueueCount() > 0 && polls++ < 1000) setTimeout(closeWhenSent, 1);
        else close();
      };
      setImmediate(closeWhenSent);
    };
  });
}
