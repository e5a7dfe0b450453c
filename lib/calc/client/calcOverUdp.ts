import type { CalcClientOptions } from './calcClientOptions.js';
import type { CalcTransport } from './CalcTransport.js';
import { CALC_DATAGRAM_CODEC, calcReplyOf } from './calcClientCodecs.js';
import { udpRequest } from '../../client/udpRequest.js';

/**
 * The calc transport over UDP: each request gets its own socket (see udpRequest), kept off the
 * ports of the process's recent requests; `release` resolves once every one of those sockets has
 * closed. Internal; see createCalcClient.
 *
 * Example: `calcClientOver(calcOverUdp(options), options)`
 *
 * @see calcOverTcp, calcClientOver, udpRequest
 */
export function calcOverUdp(options: Readonly<CalcClientOptions>): CalcTransport {
  let openSockets = 0;
  let allClosed: (() => void) | undefined;
  return {
    address: `udp://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`,
    send: (line) =>
      udpRequest(line, {
        host: options.host,
        port: options.port,
        codec: CALC_DATAGRAM_CODEC,
        reply: calcReplyOf,
        retry: options.retry,
        onSend: options.onAttempt,
        wiretap: options.wiretap,
        onSocketOpened: () => {
          openSockets += 1;
        },
        onSocketClosed: () => {
          openSockets -= 1;
          if (openSockets === 0) allClosed?.();
        },
      }),
    connect: () => Promise.resolve(),
    release: () =>
      openSockets === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            allClosed = resolve;
          }),
  };
}
