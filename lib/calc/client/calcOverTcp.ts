import { defer, map } from 'rxjs';
import { RxnetInvalidOptionError, RxnetProtocolError } from '../../errors.js';
import { retryWithBackoff } from '../../operators/retryWithBackoff.js';
import { parseReply } from '../protocol/parseReply.js';
import { MIN_MAX_LINE_LENGTH } from '../protocol/lineLimits.js';
import type { CalcReply } from '../protocol/types.js';
import type { StreamTransport } from '../../transport/Transport.js';
import type { CalcClientOptions } from './calcClientOptions.js';
import type { CalcTransport } from './CalcTransport.js';
import { createTcpClient } from '../../client/tcpClient.js';
import { isCalcReply } from './calcClientCodecs.js';
import type { TcpClientInput } from '../../client/tcpClientOptions.js';
import type { ReconnectOptions } from '../../client/reconnectDelay.js';

/**
 * The calc client's reconnect schedule: its own since the seed (100 ms, doubling, giving up
 * before a wait above 2 s: 6 attempts in about 3.1 s, then "Cannot connect ... after 6
 * attempts"), with ±20 % jitter by default so that many clients do not reconnect in lockstep.
 * A `tcp.reconnect` given merges over it; `jitter: 0` gives the exact schedule.
 */
export const CALC_CLIENT_RECONNECT: ReconnectOptions = Object.freeze({ initial: 100, factor: 2, max: 2000, jitter: 0.2 });

/** `reconnect` over the calc schedule (anything but an object is left for createTcpClient to refuse). */
function calcReconnect(reconnect: TcpClientInput['reconnect']): TcpClientInput['reconnect'] {
  if (reconnect !== undefined && (typeof reconnect !== 'object' || reconnect === null)) return reconnect;
  return { ...CALC_CLIENT_RECONNECT, ...reconnect };
}

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
  const { transport, host, port, path, ca, servername, rejectUnauthorized, wiretap } = options;
  const endpoint = { transport, host, port, path, ca, servername, rejectUnauthorized, ...(wiretap === undefined ? {} : { wiretap }) } as const;
  checkReplyLength(options.tcp.maxReplyLength);
  const tcp = withPrefix('tcp', () => createTcpClient({ isReply: isCalcReply, ...options.tcp, reconnect: calcReconnect(options.tcp.reconnect), ...endpoint }));
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

/** Calc's range for `tcp.maxReplyLength`: MIN_MAX_LINE_LENGTH to 16 MiB (createTcpClient alone takes any from 1). */
function checkReplyLength(maxReplyLength: unknown): void {
  const inRange = typeof maxReplyLength === 'number' && Number.isInteger(maxReplyLength) && maxReplyLength >= MIN_MAX_LINE_LENGTH && maxReplyLength <= 1 << 24;
  if (maxReplyLength === undefined || inRange) return;
  throw new RxnetInvalidOptionError({ option: 'tcp.maxReplyLength', value: String(maxReplyLength), expected: `an integer from ${MIN_MAX_LINE_LENGTH} to ${1 << 24}` });
}

/** The options the TCP client gets from the calc client's own, so named as they are. */
const ENDPOINT_OPTIONS: ReadonlySet<string> = new Set(['host', 'port', 'transport', 'path', 'ca', 'servername', 'rejectUnauthorized', 'wiretap', 'options']);

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
