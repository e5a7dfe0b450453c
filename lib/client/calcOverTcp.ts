import { defer, map } from 'rxjs';
import { RxnetInvalidOptionError, RxnetProtocolError } from '../errors.js';
import { retryWithBackoff } from '../operators/retryWithBackoff.js';
import { parseReply } from '../protocol/parseReply.js';
import type { CalcReply } from '../protocol/types.js';
import type { StreamTransport } from '../transport/Transport.js';
import type { CalcClientOptions } from './calcClientOptions.js';
import type { CalcTransport } from './CalcTransport.js';
import { createTcpClient } from './tcpClient.js';
import { isCalcReply } from './calcClientCodecs.js';

/**
 * The calc transport over the sessions of one createTcpClient (over TCP, TLS or a Unix socket,
 * as `options.transport` says): each subscription to `send` is one attempt (`tcp.request`),
 * under `retryWithBackoff(options.retry)`, reported to `onAttempt`. Internal; see createCalcClient.
 *
 * Example: `calcClientOver(calcOverTcp(options), options)`
 *
 * @throws RxnetInvalidOptionError for a bad TCP option, named `tcp.<option>`.
 * @see calcOverUdp, calcClientOver
 */
export function calcOverTcp(options: Readonly<CalcClientOptions> & { readonly transport: StreamTransport }): CalcTransport {
  const { transport, host, port, path, ca, servername, rejectUnauthorized } = options;
  const endpoint = { transport, host, port, path, ca, servername, rejectUnauthorized } as const;
  const tcp = withPrefix('tcp', () => createTcpClient({ isReply: isCalcReply, ...options.tcp, ...endpoint }));
  const policy = retryWithBackoff<string>(options.retry);
  return {
    address: tcp.address,
    send: (line) => {
      let attempt = 0;
      return defer(() => {
        attempt += 1;
        options.onAttempt?.(line, attempt);
        return tcp.request(line);
      }).pipe(policy, map(toReply));
    },
    connect: () => tcp.connect(),
    release: () => tcp.close(),
  };
}

/** The options the TCP client gets from the calc client's own, so named as they are. */
const ENDPOINT_OPTIONS: ReadonlySet<string> = new Set(['host', 'port', 'transport', 'path', 'ca', 'servername', 'rejectUnauthorized', 'options']);

/** Runs `create`, naming a bad option `prefix.option` in the error it throws. */
function withPrefix<T>(prefix: string, create: () => T): T {
  try {
    return create();
  } catch (err) {
    if (!(err instanceof RxnetInvalidOptionError) || ENDPOINT_OPTIONS.has(err.info.option)) throw err;
    throw err.renamed(`${prefix}.${err.info.option}`);
  }
}

/** A TCP reply text as a CalcReply (the TCP client already rejects malformed ones). */
function toReply(text: string): CalcReply {
  const parsed = parseReply(text);
  if (parsed.ok) return parsed.reply;
  throw new RxnetProtocolError(`Malformed reply ${parsed.reason}`, { received: text });
}
