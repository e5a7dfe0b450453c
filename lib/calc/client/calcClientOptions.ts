import type { MonoTypeOperatorFunction } from 'rxjs';
import { z } from 'zod';
import { RxnetInvalidOptionError } from '../../errors.js';
import { validateOptions } from '../../options/validateOptions.js';
import type { CalcReply } from '../protocol/types.js';
import { resolveRetryPolicy, type RetryPolicy } from '../../operators/retryPolicy.js';
import { wiretapSchema, type TcpClientInput } from '../../client/tcpClientOptions.js';
import type { WiretapSettings } from '../../observability/wireLogger.js';
import { transportRuleBroken } from '../../client/transportRuleBroken.js';
import type { EndpointOptions } from '../../client/EndpointOptions.js';
import { isStreamTransport, listTransports, STREAM_TRANSPORTS, TRANSPORTS, type Transport } from '../../transport/Transport.js';

/** The transports a calc client can use: every one of TRANSPORT_REGISTRY (TCP, UDP, TLS, a Unix socket). */
export const CALC_CLIENT_TRANSPORTS: readonly Transport[] = TRANSPORTS;
export type CalcClientTransport = Transport;

/** Every calc client option, resolved. */
export interface CalcClientOptions extends EndpointOptions {
  /** `tcp`, `udp`, `tls` or `unix` (needs `path`). Defaults to `tcp`. */
  readonly transport: CalcClientTransport;
  /**
   * The timeout and retry policy of each request (see retryWithBackoff), in ms. Defaults to
   * RETRY_DEFAULTS: wait 1000, then 2000, then give up. `{ initial: 500, retry: false }` is one
   * attempt with a 500 ms timeout.
   */
  readonly retry: Partial<RetryPolicy>;
  /** Stream transports only (tcp, tls, unix): sessions, pipelining window, reconnect schedule (CALC_CLIENT_RECONNECT unless given: 100 ms doubling, giving up above 2 s, ±20 % jitter), `framing: 'chunk'` for the original seed server... (see createTcpClient). Defaults to `{}`. */
  readonly tcp: Omit<TcpClientInput, 'host' | 'port' | 'transport' | 'path' | 'ca' | 'servername' | 'rejectUnauthorized' | 'wiretap'>;
  /** Called each time a copy of a request is sent or queued (attempt 1, 2...), for logs and counts. */
  readonly onAttempt: ((line: string, attempt: number) => void) | undefined;
  /**
   * An operator applied to every request, around its attempts (the retry policy is inside it):
   * a circuit breaker, a bulkhead, a hedge, or several composed with `pipe` (see
   * docs/policies.md). Create stateful policies once, as here, so all requests share them.
   * Example: `policy: circuitBreaker({ breaker: consecutiveBreaker(5), halfOpenAfter: 10_000 })`.
   * Defaults to none.
   */
  readonly policy: MonoTypeOperatorFunction<CalcReply> | undefined;
  /**
   * Logs the bytes of every connection (tcp, tls, unix) or datagram (udp) on `log`, both ways,
   * in `text` or `hex` (`--wiretap`; see createTcpClient's). Defaults to none, at no cost.
   * Example: `wiretap: { format: 'text', log: console.error }`.
   */
  readonly wiretap?: WiretapSettings | undefined;
}

/** What {@link createCalcClient} accepts: any subset of the options. */
export type CalcClientInput = Partial<CalcClientOptions>;

/** The defaults every calc client starts from. */
export const CALC_CLIENT_DEFAULTS: CalcClientOptions = Object.freeze({
  transport: 'tcp',
  host: '127.0.0.1',
  port: 9000,
  retry: Object.freeze({}),
  tcp: Object.freeze({}),
  onAttempt: undefined,
  policy: undefined,
});

const allows = (expected: string) => ({ error: expected });
const PORT = allows('an integer from 1 to 65535');
const object = (expected: string) => z.custom<object>((value) => typeof value === 'object' && value !== null, allows(expected));

const pem = z.union([z.string(), z.instanceof(Buffer)]);

const calcClientSchema = z
  .strictObject({
    transport: z.enum(CALC_CLIENT_TRANSPORTS, allows(listTransports(CALC_CLIENT_TRANSPORTS))),
    host: z.string(allows('a host name or IP address')).min(1, allows('a host name or IP address')),
    port: z.number(PORT).int(PORT).min(1, PORT).max(65535, PORT),
    path: z.string(allows('a socket file path')).min(1, allows('a socket file path')).optional(),
    ca: z.union([pem, z.array(pem)], allows('PEM certificates: a string, a Buffer or an array of them')).optional(),
    servername: z.string(allows('a host name')).min(1, allows('a host name')).optional(),
    rejectUnauthorized: z.boolean(allows('true or false')).optional(),
    retry: object('a retry policy object'),
    tcp: object('an object of TCP client options'),
    onAttempt: z.custom<(line: string, attempt: number) => void>((value) => typeof value === 'function', allows('a function')).optional(),
    policy: z.custom<MonoTypeOperatorFunction<CalcReply>>((value) => typeof value === 'function', allows('an operator function')).optional(),
    wiretap: wiretapSchema.optional(),
  })
  .superRefine((options, ctx) => {
    const broken = transportRuleBroken(options);
    if (broken !== undefined) ctx.addIssue({ code: 'custom', message: broken, path: [] });
  });

/**
 * Merges `options` over {@link CALC_CLIENT_DEFAULTS} and validates the result once, the retry
 * policy included, its options named `retry.*` (the TCP options are validated by createTcpClient).
 *
 * Example: `resolveCalcClientOptions({ transport: 'udp', retry: { initial: 100 } }).port` is `9000`.
 *
 * @throws RxnetInvalidOptionError naming the first bad option and what it allows.
 */
export function resolveCalcClientOptions(options: CalcClientInput = {}): Readonly<CalcClientOptions> {
  const resolved = validateOptions(calcClientSchema, { ...CALC_CLIENT_DEFAULTS, ...options }) as Readonly<CalcClientOptions>;
  const tcpKeys = Object.keys(resolved.tcp);
  if (!isStreamTransport(resolved.transport) && tcpKeys.length > 0) {
    throw new RxnetInvalidOptionError(
      { option: 'tcp', value: tcpKeys.join(', '), expected: `no tcp options with transport ${resolved.transport}` },
      `The tcp options (${tcpKeys.join(', ')}) apply to the stream transports (${STREAM_TRANSPORTS.join(', ')}) only`,
    );
  }
  try {
    resolveRetryPolicy(resolved.retry);
  } catch (err) {
    if (!(err instanceof RxnetInvalidOptionError)) throw err;
    throw err.renamed(`retry.${err.info.option}`);
  }
  return resolved;
}
