import { createSocket, type RemoteInfo } from 'node:dgram';
import { lookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { Observable } from 'rxjs';
import { RxnetInvalidOptionError } from '../errors.js';
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
  /**
   * The receive buffer to ask the kernel for, in bytes (SO_RCVBUF): datagrams that arrive while
   * it is full are lost. Defaults to {@link DEFAULT_RECV_BUFFER_SIZE}. Linux caps the request
   * at `net.core.rmem_max` (and reports twice what it keeps); `onListening` gets what it granted.
   */
  readonly recvBufferSize?: number;
  /** Called once bound, with the bound address and the receive buffer the kernel granted (bytes). */
  readonly onListening?: (address: SocketAddress, granted: { readonly recvBufferSize: number }) => void;
  /** Called once the socket is closed after unsubscribe (or a failed bind). */
  readonly onClosed?: () => void;
  /** Called when a reply could not be sent (for example `EMSGSIZE`); the socket goes on. */
  readonly onSendError?: (err: Error) => void;
}

/**
 * The receive buffer a UDP socket asks for by default: 4 MiB, room for tens of thousands of small
 * requests (the kernel's usual default, about 208 KiB, holds only a few hundred: a burst from 16
 * clients with 32 in flight each overflows it).
 */
export const DEFAULT_RECV_BUFFER_SIZE = 4 * 1024 * 1024;

type LookupDone = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * dgram's address lookup, run before every send and the bind: an IP address (a reply goes to
 * the sender's, always one) is its own answer at once, where dns.lookup answers it a tick later
 * (a process.nextTick per reply); a name goes to dns.lookup. Before the socket is bound the answer
 * stays a tick late, as dns.lookup's, so 'listening' is never emitted inside bind(). Internal to bindUdp.
 *
 * Example: `createSocket({ type: 'udp4', lookup: (a, f, done) => lookupAddress(bound, a, f, done) })`
 */
export function lookupAddress(bound: boolean, address: string, options: number | LookupOneOptions, done: LookupDone): void {
  const ip = isIP(address);
  if (bound && ip !== 0) done(null, address, ip);
  // Two calls only for dns.lookup's overloads (a family number, or options).
  else if (typeof options === 'number') lookup(address, options, done);
  else lookup(address, options, done);
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
  const recvBufferSize = options.recvBufferSize ?? DEFAULT_RECV_BUFFER_SIZE;
  if (!Number.isSafeInteger(recvBufferSize) || recvBufferSize < 1) {
    throw new RxnetInvalidOptionError({ option: 'recvBufferSize', value: String(recvBufferSize), expected: 'a positive whole number of bytes' });
  }
  return new Observable<Datagram>((subscriber) => {
    const host = options.host ?? '127.0.0.1';
    let open = true;
    let bound = false;
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize, lookup: (address, family, done) => lookupAddress(bound, address, family, done) });
    const onMessage = (data: Buffer, rinfo: RemoteInfo): void => {
      const sender: SocketAddress = { address: rinfo.address, port: rinfo.port, family: rinfo.family };
      subscriber.next({
        data,
        sender,
        // Its own function, so it may be passed on detached (`const { reply } = datagram`, as the UDP proxy does).
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
      options.onListening?.(socket.address(), { recvBufferSize: socket.getRecvBufferSize() });
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
