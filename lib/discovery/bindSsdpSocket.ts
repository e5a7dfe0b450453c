import { createSocket, type RemoteInfo } from 'node:dgram';
import { Observable } from 'rxjs';
import { RxnetConnectionError } from '../errors.js';
import type { SocketAddress } from '../transport/SocketAddress.js';
import type { SsdpNetworkOptions } from './discoveryOptions.js';
import { parseSsdpMessage } from './parseSsdpMessage.js';
import type { ReceivedSsdp } from './SsdpMessage.js';
import { closeUdpSocket } from '../transport/closeUdpSocket.js';

/** The sending side of an SSDP socket, handed out once it is bound. */
export interface SsdpSender {
  /** The bound address. */
  readonly address: SocketAddress;
  /** Sends one datagram to `to`, or to the group when `to` is omitted. Send errors go to `onSendError`. */
  send(text: string, to?: { readonly address: string; readonly port: number }): void;
}

/** Options of {@link bindSsdpSocket}. */
export interface BindSsdpSocketOptions {
  /** Resolved group, port, interface, TTL and loopback. */
  readonly network: Readonly<SsdpNetworkOptions>;
  /**
   * true: bind the group's port on every address with `reuseAddr` (several servers on one host
   * share it) and join the group, to hear searches and advertisements. false: bind a free port
   * (on `interfaceAddress` if given), to send searches and hear their unicast answers.
   */
  readonly join: boolean;
  /** Called once bound and joined, with the sender. */
  readonly onListening?: (sender: SsdpSender) => void;
  /** Datagrams to send to the group on unsubscribe, before the socket closes (e.g. `ssdp:byebye`). */
  readonly farewell?: () => readonly string[];
  /** Called once the socket is closed after unsubscribe (or a failed bind). */
  readonly onClosed?: () => void;
  /** Called when a datagram could not be sent; the socket goes on. */
  readonly onSendError?: (err: Error) => void;
}

/**
 * An IPv4 UDP socket for SSDP as an observable of parsed datagrams (invalid ones included, as
 * `kind: 'invalid'` values). Subscribing binds (and joins the group); unsubscribing sends the
 * `farewell` datagrams, then closes the socket and removes every listener it added. A failure to
 * bind or join is an RxnetConnectionError notification.
 *
 * ```
 * subscribe -> bind, join --m1--m2-- unsubscribe -> farewell -> close
 * ```
 *
 * Example: `bindSsdpSocket({ network: resolveSsdpNetworkOptions(), join: true }).subscribe(({ message }) => console.log(message.kind))`
 *
 * @see announce, discover, watchSsdp
 */
export function bindSsdpSocket(options: BindSsdpSocketOptions): Observable<ReceivedSsdp> {
  return new Observable<ReceivedSsdp>((subscriber) => {
    const { network, join } = options;
    const group = { address: network.group, port: network.port };
    const socket = createSocket({ type: 'udp4', reuseAddr: join });
    let ready = false;

    const onSent = (err: Error | null): void => {
      if (err !== null) options.onSendError?.(err);
    };
    const send = (text: string, to: { readonly address: string; readonly port: number } = group): void => {
      if (ready) socket.send(text, to.port, to.address, onSent);
    };
    const onMessage = (data: Buffer, rinfo: RemoteInfo): void => {
      subscriber.next({ message: parseSsdpMessage(data), sender: { address: rinfo.address, port: rinfo.port, family: rinfo.family } });
    };
    const onError = (err: unknown): void => {
      const syscallCode = (err as { code?: unknown }).code;
      const address = `udp://${network.group}:${network.port}`;
      subscriber.error(
        new RxnetConnectionError(
          `Cannot use SSDP group ${network.group}:${network.port}: ${err instanceof Error ? err.message : String(err)}`,
          typeof syscallCode === 'string' ? { address, syscallCode } : { address },
          { cause: err },
        ),
      );
    };
    const onListening = (): void => {
      try {
        if (join) socket.addMembership(network.group, network.interfaceAddress);
        if (network.interfaceAddress !== undefined) socket.setMulticastInterface(network.interfaceAddress);
        socket.setMulticastTTL(network.ttl);
        socket.setMulticastLoopback(network.loopback);
      } catch (err) {
        onError(err);
        return;
      }
      ready = true;
      options.onListening?.({ address: socket.address(), send });
    };

    socket.on('message', onMessage);
    socket.on('error', onError);
    socket.once('listening', onListening);
    socket.bind({ port: join ? network.port : 0, address: join ? '0.0.0.0' : (network.interfaceAddress ?? '0.0.0.0') });

    return () => {
      socket.off('message', onMessage);
      socket.off('listening', onListening);
      const farewell = ready ? (options.farewell?.() ?? []) : [];
      ready = false;
      const close = (): void => closeUdpSocket(socket, onError, () => options.onClosed?.());
      if (farewell.length === 0) return close();
      let pending = farewell.length;
      for (const text of farewell) {
        socket.send(text, group.port, group.address, (err) => {
          onSent(err);
          pending -= 1;
          if (pending === 0) close();
        });
      }
    };
  });
}
