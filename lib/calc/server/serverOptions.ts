import { z } from 'zod';
import { DEFAULT_MAX_LINE_LENGTH } from '../../framing/Frame.js';
import { validateOptions } from '../../options/validateOptions.js';
import { DEFAULT_RECV_BUFFER_SIZE } from '../../transport/bindUdp.js';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from '../../transport/guardHandshakes.js';
import { FRAMINGS, type Framing } from '../../server/Framing.js';
import { MIN_MAX_LINE_LENGTH } from '../protocol/lineLimits.js';
import { ADDRESS_PATH, TRANSPORT_REGISTRY, TRANSPORTS, type Transport } from '../../transport/Transport.js';

/** The transports a server can listen on, from TRANSPORT_REGISTRY (re-exported for the server's modules). */
export { TRANSPORTS, type Transport };

/** How a TCP byte stream is cut into requests (serveTcp's `framing`; re-exported for the calc server's modules). */
export { FRAMINGS, type Framing };

/** Every server option, resolved. */
export interface ServerOptions {
  /** `tcp`, `udp`, `tls` (needs `cert` and `key`) or `unix` (needs `path`). Defaults to `tcp`. */
  readonly transport: Transport;
  /** `unix` only: the socket's file path. */
  readonly path?: string;
  /** `tls` only: the certificate chain, PEM. */
  readonly cert?: string | Buffer;
  /** `tls` only: the private key, PEM. */
  readonly key?: string | Buffer;
  /** The address to bind. Defaults to `127.0.0.1`. */
  readonly host: string;
  /** The port; 0 picks a free one. Defaults to 9000. */
  readonly port: number;
  /** The probability, in [0, 1], that a reply is sent. Defaults to 1. */
  readonly success: number;
  /** TCP framing. Defaults to `line`. */
  readonly framing: Framing;
  /** The longest request, in bytes, without its terminator. Defaults to 4096, at least 1024. */
  readonly maxLineLength: number;
  /** The source of randomness for drops, numbers in [0, 1). Defaults to `Math.random`. */
  readonly random: () => number;
  /** TCP: connections beyond this many open ones are closed on arrival. Defaults to 10,000. */
  readonly maxConnections: number;
  /** TCP: a connection silent both ways for this long is closed; 0 never. Defaults to 120,000 ms. */
  readonly idleTimeoutMs: number;
  /** TLS: a connection whose handshake is not done this long after it arrived is closed. Defaults to 10,000 ms. */
  readonly handshakeTimeoutMs: number;
  /** TCP: requests read and not yet answered on one connection before reading pauses. Defaults to 1,024. */
  readonly maxInFlight: number;
  /** UDP: the longest request datagram, in bytes, without a trailing newline. Defaults to 4096. */
  readonly maxDatagramSize: number;
  /** UDP: replies per second to one source address; 0 turns the limit off. Defaults to 1,000. */
  readonly udpRate: number;
  /** UDP: the burst of replies one source may get at once. Defaults to 2,000. */
  readonly udpBurst: number;
  /** UDP: rate-limit loopback sources too (127.0.0.0/8, ::1), which cannot be forged from another host. Defaults to false. */
  readonly udpRateLoopback: boolean;
  /** UDP: the receive buffer to ask the kernel for, in bytes (capped by net.core.rmem_max). Defaults to 4 MiB. */
  readonly recvBufferSize: number;
}

/** The defaults every server starts from. */
export const SERVER_DEFAULTS: ServerOptions = Object.freeze({
  transport: 'tcp',
  host: '127.0.0.1',
  port: 9000,
  success: 1,
  framing: 'line',
  maxLineLength: DEFAULT_MAX_LINE_LENGTH,
  random: Math.random,
  maxConnections: 10_000,
  idleTimeoutMs: 120_000,
  handshakeTimeoutMs: DEFAULT_HANDSHAKE_TIMEOUT_MS,
  maxInFlight: 1024,
  maxDatagramSize: DEFAULT_MAX_LINE_LENGTH,
  udpRate: 1000,
  udpBurst: 2000,
  udpRateLoopback: false,
  recvBufferSize: DEFAULT_RECV_BUFFER_SIZE,
});

/** One message per option: what it allows. zod reports it as the issue's message. */
const allows = (expected: string) => ({ error: expected });
const PORT = allows('an integer 0-65535');
const SUCCESS = allows('a number from 0 to 1');
const MAX_LINE = allows(`an integer from ${MIN_MAX_LINE_LENGTH} to ${1 << 24}`);

/** An integer option within [min, max]. */
function count(min: number, max: number) {
  const expected = allows(`an integer ${min}-${max}`);
  return z.number(expected).int(expected).min(min, expected).max(max, expected);
}

const serverOptionsSchema = z.strictObject({
  transport: z.enum(TRANSPORTS, allows(TRANSPORTS.join(', '))),
  path: z.string(allows('a file path')).min(1, allows('a file path')).optional(),
  cert: z.union([z.string(), z.instanceof(Buffer)], allows('a PEM certificate')).optional(),
  key: z.union([z.string(), z.instanceof(Buffer)], allows('a PEM private key')).optional(),
  host: z.string(allows('a host name or IP address')).min(1, allows('a host name or IP address')),
  port: z.number(PORT).int(PORT).min(0, PORT).max(65535, PORT),
  success: z.number(SUCCESS).min(0, SUCCESS).max(1, SUCCESS),
  framing: z.enum(FRAMINGS, allows('line or chunk')),
  maxLineLength: z.number(MAX_LINE).int(MAX_LINE).min(MIN_MAX_LINE_LENGTH, MAX_LINE).max(1 << 24, MAX_LINE),
  random: z.custom<() => number>((value) => typeof value === 'function', allows('a function returning numbers in [0, 1)')),
  maxConnections: count(1, 1_000_000),
  idleTimeoutMs: count(0, 86_400_000),
  handshakeTimeoutMs: count(1, 3_600_000),
  maxInFlight: count(1, 1_000_000),
  maxDatagramSize: count(1, 65_507),
  udpRate: count(0, 1_000_000_000),
  udpBurst: count(1, 1_000_000_000),
  udpRateLoopback: z.boolean(allows('true or false')),
  recvBufferSize: count(1, 1 << 30),
})
  .refine((o) => o.transport !== 'tls' || (o.cert !== undefined && o.key !== undefined), {
    error: 'transport tls needs cert and key',
  })
  .superRefine((o, ctx) => {
    if (TRANSPORT_REGISTRY[o.transport].address === ADDRESS_PATH && o.path === undefined) {
      ctx.addIssue({ code: 'custom', message: `transport ${o.transport} needs path`, path: [] });
    }
  });

/**
 * Merges `options` over {@link SERVER_DEFAULTS} and validates the result once.
 *
 * Example: `resolveServerOptions({ transport: 'udp', success: 0.5 }).port` is `9000`.
 *
 * @throws RxnetInvalidOptionError naming the first bad option and what it allows.
 */
export function resolveServerOptions(options: Partial<ServerOptions> = {}): Readonly<ServerOptions> {
  return validateOptions(serverOptionsSchema, { ...SERVER_DEFAULTS, ...options });
}
