import { z } from 'zod';
import { RxnetInvalidOptionError } from '../errors.js';
import { WIRETAP_FORMATS } from '../observability/wiretap.js';
import type { WiretapSettings } from '../observability/wireLogger.js';
import { validateOptions } from '../options/validateOptions.js';
import { RECONNECT_DEFAULTS, type ReconnectOptions } from './reconnectDelay.js';
import { REPLY_FRAMINGS, type ReplyFraming } from './replyFrames.js';
import { transportRuleBroken } from './transportRuleBroken.js';
import type { EndpointOptions } from './EndpointOptions.js';
import { listTransports, STREAM_TRANSPORTS, type StreamTransport } from '../transport/Transport.js';

/** The transports a TCP client can use: the stream ones of TRANSPORT_REGISTRY (plain TCP, TLS, a Unix socket). */
export { STREAM_TRANSPORTS, type StreamTransport };

/** The certificates a TLS client trusts (PEM): one, or a list. */
export type TrustedCertificates = string | Buffer | ReadonlyArray<string | Buffer>;

/** Every TCP client option, resolved. Times are in milliseconds. */
export interface TcpClientOptions extends EndpointOptions {
  /** `tcp`, `tls` or `unix` (needs `path`). Defaults to `tcp`. */
  readonly transport: StreamTransport;
  /** How many connections (sessions) to keep open at once. Defaults to 1. */
  readonly sessions: number;
  /**
   * The pipelining window: requests in flight per session, cancelled ones included; more wait
   * in a queue. Defaults to 1, which the seed's server needs (it takes each read as one request).
   */
  readonly maxInFlight: number;
  /** How long one connection attempt may take. Defaults to 5000 ms. */
  readonly connectTimeout: number;
  /**
   * How replies are framed, named as the server's `framing`. `line`: a reply ends with a newline,
   * and bytes without one are never a reply, however long they wait (a slow network splits
   * replies too); before the server's first newline, such bytes quiet for 500 ms drop the
   * session with an error that suggests `chunk`. `chunk`, for the original seed server (no
   * newline): bytes followed by `replyGap` ms of quiet are also one reply, while one request is
   * outstanding and until the server sends this client a newline (then it is a line server for
   * good). Defaults to `line`.
   */
  readonly framing: ReplyFraming;
  /**
   * With `framing: 'chunk'`, the quiet gap after which bytes without a newline are one reply;
   * above 0. Ignored in `line` framing. Defaults to 20 ms.
   */
  readonly replyGap: number;
  /** The longest reply, in bytes, without its newline: 1 to 16 MiB (the calc client asks at least 1024). Defaults to 1024. */
  readonly maxReplyLength: number;
  /**
   * The reconnect schedule. Defaults to RECONNECT_DEFAULTS, gRPC's connection backoff:
   * `{ initial: 1000, factor: 1.6, cap: 120_000, jitter: 0.2 }`, never giving up. Give `max`,
   * `maxAttempts` or `maxElapsed` to give up, and `jitter: 0` for an exact schedule.
   */
  readonly reconnect: ReconnectOptions;
  /** True when a reply is well formed; anything else is an RxnetProtocolError. Defaults to every reply (the calc client passes calc's check). */
  readonly isReply: (text: string) => boolean;
  /**
   * Logs every connection's bytes on `log`, sent (`out`) and received (`in`), in `text` or
   * `hex` (`--wiretap`). Defaults to none, and then nothing is added to a connection.
   * Example: `wiretap: { format: 'hex', log: (entry) => process.stderr.write(`${entry}\n`) }`.
   */
  readonly wiretap?: WiretapSettings | undefined;
}

/** What {@link createTcpClient} accepts: any subset of the options, `reconnect` partial too. */
export type TcpClientInput = Partial<Omit<TcpClientOptions, 'reconnect'>> & { readonly reconnect?: Partial<ReconnectOptions> };

/** The defaults every TCP client starts from. */
export const TCP_CLIENT_DEFAULTS: TcpClientOptions = Object.freeze({
  transport: 'tcp',
  host: '127.0.0.1',
  port: 9000,
  sessions: 1,
  maxInFlight: 1,
  connectTimeout: 5000,
  framing: 'line',
  replyGap: 20,
  maxReplyLength: 1024,
  reconnect: RECONNECT_DEFAULTS,
  isReply: () => true,
});

const allows = (expected: string) => ({ error: expected });
const integer = (min: number, max: number) => {
  const message = allows(`an integer from ${min} to ${max}`);
  return z.number(message).int(message).min(min, message).max(max, message);
};
const milliseconds = (min: number) => {
  const message = allows(`a number of ms from ${min} to ${2 ** 31 - 1}`);
  return z.number(message).min(min, message).max(2 ** 31 - 1, message);
};

const pem = z.union([z.string(), z.instanceof(Buffer)]);
/** `{ format: 'text' | 'hex', log, now? }`, shared with the calc client's options. */
export const wiretapSchema = z.custom<WiretapSettings>(
  (value) => {
    const settings = value as Partial<WiretapSettings> | null;
    return typeof settings === 'object' && settings !== null && WIRETAP_FORMATS.includes(settings.format as never) && typeof settings.log === 'function';
  },
  allows(`{ format: ${WIRETAP_FORMATS.join(' or ')}, log: a function }`),
);
const TRUSTED = allows('PEM certificates: a string, a Buffer or an array of them');

const clientSchema = z
  .strictObject({
    transport: z.enum(STREAM_TRANSPORTS, allows(listTransports(STREAM_TRANSPORTS))),
    host: z.string(allows('a host name or IP address')).min(1, allows('a host name or IP address')),
    port: integer(1, 65535),
    path: z.string(allows('a socket file path')).min(1, allows('a socket file path')).optional(),
    ca: z.union([pem, z.array(pem)], TRUSTED).optional(),
    servername: z.string(allows('a host name')).min(1, allows('a host name')).optional(),
    rejectUnauthorized: z.boolean(allows('true or false')).optional(),
    sessions: integer(1, 1024),
    maxInFlight: integer(1, 1 << 20),
    connectTimeout: milliseconds(1),
    framing: z.enum(REPLY_FRAMINGS, allows('line or chunk')),
    replyGap: milliseconds(0),
    maxReplyLength: integer(1, 1 << 24),
    reconnect: z.custom<ReconnectOptions>((value) => typeof value === 'object' && value !== null, allows('an object')),
    isReply: z.custom<(text: string) => boolean>((value) => typeof value === 'function', allows('a function of the reply text')),
    wiretap: wiretapSchema.optional(),
  })
  .superRefine((options, ctx) => {
    const broken = transportRuleBroken(options) ?? (options.framing === 'chunk' && options.replyGap === 0 ? 'framing chunk needs a replyGap above 0' : undefined);
    if (broken !== undefined) ctx.addIssue({ code: 'custom', message: broken, path: [] });
  });

const reconnectSchema = z.strictObject({
  initial: milliseconds(0),
  factor: z.number(allows('a number from 1 to 1000')).min(1, allows('a number from 1 to 1000')).max(1000, allows('a number from 1 to 1000')),
  cap: milliseconds(1),
  jitter: z.number(allows('a number from 0 to 1')).min(0, allows('a number from 0 to 1')).max(1, allows('a number from 0 to 1')),
  random: z.custom<() => number>((value) => typeof value === 'function', allows('a function returning numbers in [0, 1)')).optional(),
  max: milliseconds(0).optional(),
  maxAttempts: integer(1, 2 ** 31 - 1).optional(),
  maxElapsed: milliseconds(0).optional(),
});

/**
 * Merges `options` over {@link TCP_CLIENT_DEFAULTS} (and `options.reconnect` over its defaults)
 * and validates the result once.
 *
 * Example: `resolveTcpClientOptions({ sessions: 4, reconnect: { maxAttempts: 5 } }).reconnect.initial` is `1000`.
 *
 * @throws RxnetInvalidOptionError naming the first bad option and what it allows, for example
 *   `Invalid port "0" (expected an integer from 1 to 65535)` or `Invalid reconnect.factor "0.5" (...)`.
 */
export function resolveTcpClientOptions(options: TcpClientInput = {}): Readonly<TcpClientOptions> {
  const top = validateOptions(clientSchema, { ...TCP_CLIENT_DEFAULTS, ...options, reconnect: options.reconnect ?? {} });
  const reconnect = { ...TCP_CLIENT_DEFAULTS.reconnect, ...options.reconnect };
  try {
    return Object.freeze({ ...top, reconnect: validateOptions(reconnectSchema, reconnect) });
  } catch (err) {
    if (!(err instanceof RxnetInvalidOptionError)) throw err;
    const prefixed = err.info.option
      .split(', ')
      .map((name) => `reconnect.${name}`)
      .join(', ');
    throw err.renamed(prefixed);
  }
}
