import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { z } from 'zod';
import type { Codec } from '../codec/Codec.js';
import type { OverlongFrame } from '../framing/Frame.js';
import { validateOptions } from '../options/validateOptions.js';
import type { RetryPolicy } from '../operators/retryPolicy.js';
import { listTransports, TRANSPORTS, type Transport } from '../transport/Transport.js';
import type { EndpointOptions } from './EndpointOptions.js';
import type { TcpClientInput } from './tcpClientOptions.js';
import { transportRuleBroken } from './transportRuleBroken.js';

/** How replies are matched to requests on datagrams: by a key each carries (a request id). */
export interface ReplyKey<Req, Rep, K = unknown> {
  /** The key of a request, e.g. `(request) => request.id`. */
  readonly request: (request: Req) => K;
  /** The key of a reply, compared with `===`; undefined for a reply that answers nothing. */
  readonly reply: (reply: Rep) => K | undefined;
}

/** Options of {@link createRequestClient}: `Req` a request, `Rep` a reply, `F` what the codec decodes (`Rep`, maybe an overlong marker). */
export interface RequestClientOptions<Req, Rep, F extends Rep | OverlongFrame = Rep | OverlongFrame> extends Partial<EndpointOptions> {
  /** `tcp`, `udp`, `tls` or `unix` (needs `path`). Defaults to `tcp`. */
  readonly transport?: Transport;
  /** How requests are encoded and replies decoded: `lineCodec()`, `lengthFieldCodec()`, your own. */
  readonly codec: Codec<F, Req>;
  /**
   * True when a decoded reply is well formed. On a stream, anything else errors its request with
   * an RxnetProtocolError and ends the session (the stream cannot be trusted); on datagrams it is
   * ignored, as a stray datagram. Defaults to every reply (overlong frames never are).
   */
  readonly isReply?: (reply: Rep) => boolean;
  /**
   * Datagrams only: match replies to requests by a key (a request id) on one shared socket,
   * instead of a fresh socket per request. Keys should be unique among the requests in flight: a
   * reply answers every request in flight with its key. Defaults to none (correlation by socket).
   */
  readonly key?: ReplyKey<Req, Rep>;
  /** The timeout and retry policy of each request (see retryWithBackoff). Defaults to RETRY_DEFAULTS: wait 1000, then 2000 ms, then give up. */
  readonly retry?: Partial<RetryPolicy>;
  /** An operator applied to every request, around its attempts (a circuit breaker, a bulkhead...), as calc's `policy`. Defaults to none. */
  readonly policy?: MonoTypeOperatorFunction<Rep>;
  /** Stream transports only: sessions, pipelining window, connect timeout, reconnect schedule (see createTcpClient). Defaults to `{}`. */
  readonly tcp?: Pick<TcpClientInput, 'sessions' | 'maxInFlight' | 'connectTimeout' | 'reconnect'>;
  /** Stream transports only: where the client's connect, reconnect and session timers run. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

const allows = (expected: string) => ({ error: expected });
const PORT = allows('an integer from 1 to 65535');
const fn = (expected: string) => z.custom<unknown>((value) => typeof value === 'function', allows(expected));
const object = (expected: string) => z.custom<object>((value) => typeof value === 'object' && value !== null, allows(expected));

const schema = z
  .strictObject({
    transport: z.enum(TRANSPORTS, allows(listTransports(TRANSPORTS))),
    host: z.string(allows('a host name or IP address')).min(1, allows('a host name or IP address')),
    port: z.number(PORT).int(PORT).min(1, PORT).max(65535, PORT),
    path: z.string(allows('a socket file path')).min(1, allows('a socket file path')).optional(),
    ca: z.unknown().optional(),
    servername: z.string(allows('a host name')).min(1, allows('a host name')).optional(),
    rejectUnauthorized: z.boolean(allows('true or false')).optional(),
    codec: z.custom<object>((value) => typeof (value as Partial<Codec<unknown, unknown>> | null)?.decode === 'function' && typeof (value as Partial<Codec<unknown, unknown>>).encode === 'function', allows('a codec { decode, encode }')),
    isReply: fn('a function of the reply').optional(),
    key: z.custom<object>((value) => typeof (value as Partial<ReplyKey<unknown, unknown>> | null)?.request === 'function' && typeof (value as Partial<ReplyKey<unknown, unknown>>).reply === 'function', allows('{ request, reply } functions')).optional(),
    retry: object('a retry policy object').optional(),
    policy: fn('an operator function').optional(),
    tcp: object('an object of TCP client options').optional(),
    scheduler: object('an RxJS scheduler').optional(),
  })
  .superRefine((options, ctx) => {
    const broken = transportRuleBroken(options) ?? (options.transport !== 'udp' && options.key !== undefined ? 'key applies to transport udp only (a stream matches replies in order)' : undefined);
    if (broken !== undefined) ctx.addIssue({ code: 'custom', message: broken, path: [] });
  });

/** The options of {@link createRequestClient}, resolved: transport, host and port filled in. */
export type ResolvedRequestClientOptions<Req, Rep, F extends Rep | OverlongFrame> = Readonly<
  RequestClientOptions<Req, Rep, F> & { readonly transport: Transport; readonly host: string; readonly port: number }
>;

/**
 * Fills in `transport` (tcp), `host` (127.0.0.1) and `port` (9000) and validates the options once.
 *
 * Example: `resolveRequestClientOptions({ transport: 'udp', codec: lineCodec() }).port` is `9000`.
 *
 * @throws RxnetInvalidOptionError naming the first bad option and what it allows.
 */
export function resolveRequestClientOptions<Req, Rep, F extends Rep | OverlongFrame>(options: RequestClientOptions<Req, Rep, F>): ResolvedRequestClientOptions<Req, Rep, F> {
  const merged = { transport: 'tcp', host: '127.0.0.1', port: 9000, ...options };
  validateOptions(schema, merged);
  return Object.freeze(merged) as ResolvedRequestClientOptions<Req, Rep, F>;
}
