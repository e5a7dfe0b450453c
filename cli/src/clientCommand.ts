import { readFileSync } from 'node:fs';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { z } from 'zod';
import {
  CALC_CLIENT_DEFAULTS,
  FRAMINGS,
  WIRETAP_FORMATS,
  circuitBreaker,
  consecutiveBreaker,
  hedge,
  SSDP_GROUP,
  SSDP_PORT,
  isConnectionError,
  isStreamTransport,
  isTransientError,
  type CalcClientInput,
  type CalcReply,
  type CalcClientTransport,
  type RetryPolicy,
  type WiretapFormat,
} from '../../lib/index.js';
import { DEFAULT_MAX_TIMEOUT_S, DEFAULT_MX_S, DEFAULT_TIMEOUT_S, MAX_SECONDS } from './clientUsage.js';
import { choiceFlag, hostFlag, integerFlag, switchFlag } from './flagSchemas.js';
import { mxFlag, remotePortFlag, secondsFlag } from './clientFlagSchemas.js';
import { parseFlags, type FlagSpec } from './parseFlags.js';
import { UsageError } from './runMain.js';
import { SSDP_FLAG_NAMES, ssdpFlagShape } from './ssdpFlags.js';

/** The client's flags. */
export const CLIENT_FLAGS: FlagSpec = {
  string: ['host', 'port', 'timeout', 'max-timeout', 'ca', 'unix', 'framing', 'hedge', 'circuit-breaker', 'mx', 'wiretap', ...SSDP_FLAG_NAMES],
  boolean: ['tcp', 'udp', 'tls', 'expb', 'discover', 'first', 'help'],
  alias: { h: 'help' },
};

/**
 * The CLI's TCP reconnect schedule: 4 connection attempts at exactly 0, 0.1, 0.3, 0.7 s, then
 * give up (fail fast), as documented in the usage. Not the library's jittered default (gRPC's
 * connection backoff, which never gives up): one person's client is not a herd, and it must
 * tell them at once that nothing listens.
 */
export const CLI_RECONNECT = Object.freeze({ initial: 100, factor: 2, max: 400, jitter: 0 });

const clientFlagsSchema = z
  .strictObject({
    tcp: switchFlag,
    udp: switchFlag,
    tls: switchFlag,
    ca: z.string({ error: 'a PEM file path' }).min(1, { error: 'a PEM file path' }).optional(),
    unix: z.string({ error: 'a socket file path' }).min(1, { error: 'a socket file path' }).optional(),
    host: hostFlag.optional(),
    port: remotePortFlag.optional(),
    framing: choiceFlag(FRAMINGS).optional(),
    timeout: secondsFlag(MAX_SECONDS).default(DEFAULT_TIMEOUT_S * 1000),
    expb: switchFlag,
    'max-timeout': secondsFlag(MAX_SECONDS).optional(),
    hedge: integerFlag(1, 60_000).optional(),
    'circuit-breaker': integerFlag(1, 1000).optional(),
    wiretap: choiceFlag(WIRETAP_FORMATS).optional(),
    discover: switchFlag,
    first: switchFlag,
    mx: mxFlag.optional(),
    // The SSDP flags without their defaults, so that using one without --discover can be told.
    'ssdp-group': ssdpFlagShape['ssdp-group'].unwrap().optional(),
    'ssdp-port': ssdpFlagShape['ssdp-port'].unwrap().optional(),
    'ssdp-interface': ssdpFlagShape['ssdp-interface'],
    help: switchFlag,
  })
  .refine((flags) => [flags.tcp, flags.udp, flags.tls, flags.unix !== undefined].filter(Boolean).length <= 1, {
    error: 'use only one of --tcp, --udp, --tls and --unix',
  })
  .refine((flags) => flags.tls || flags.ca === undefined, { error: '--ca applies to --tls only' })
  .refine((flags) => !(flags.udp && flags.framing === 'chunk'), { error: '--framing applies to stream transports only, not --udp' })
  .refine((flags) => !flags.discover || flags.framing === undefined, { error: '--framing does not apply to --discover (rxnet servers end their replies with a newline)' })
  .refine((flags) => flags.unix === undefined || (flags.host === undefined && flags.port === undefined), {
    error: '--host and --port do not apply to --unix',
  })
  .refine(
    (flags) =>
      !flags.discover ||
      [flags.tcp, flags.udp, flags.tls, flags.unix, flags.ca, flags.host, flags.port].every((flag) => flag === undefined || flag === false),
    { error: '--discover takes the server from its answer: --tcp, --udp, --tls, --unix, --ca, --host and --port do not apply' },
  )
  .refine(
    (flags) => flags.discover || (!flags.first && [flags.mx, ...SSDP_FLAG_NAMES.map((name) => flags[name])].every((flag) => flag === undefined)),
    { error: '--first, --mx and --ssdp-* apply to --discover only' },
  )
  .refine((flags) => flags.expb || flags['max-timeout'] === undefined, { error: '--max-timeout applies with --expb only' })
  .refine((flags) => flags.hedge === undefined || flags.udp, {
    error: '--hedge applies to --udp only (a stream connection answers one request at a time, so a hedged copy would only queue)',
  })
  .refine((flags) => !flags.expb || flags.timeout <= (flags['max-timeout'] ?? DEFAULT_MAX_TIMEOUT_S * 1000), {
    error: '--timeout is longer than --max-timeout: with --expb no wait may exceed --max-timeout',
  });

/** What the client command was asked to do. */
export type ClientRequest =
  | { readonly help: true }
  | {
      readonly help: false;
      /** The calc client's options (retry times in ms). */
      readonly options: CalcClientInput & { readonly retry: Partial<RetryPolicy> };
      /** The requests from the arguments, or undefined to read stdin. */
      readonly requests: readonly string[] | undefined;
      /** With --discover: how to find the server (its transport, host and port then replace those of `options`). */
      readonly discover: ClientDiscovery | undefined;
      /** Log the bytes of every connection or datagram on stderr in this form (--wiretap), or not at all. */
      readonly wiretap: WiretapFormat | undefined;
    };

/** What `--discover` asks for. */
export interface ClientDiscovery {
  /** Take the first server that answers (--first), rather than all that answer within the window. */
  readonly first: boolean;
  /** The search's MX, in seconds; the search lasts MX + 1 s. */
  readonly mx: number;
  /** Where to search (discover()'s network options). */
  readonly network: { readonly group: string; readonly port: number; readonly interfaceAddress?: string };
}


/** Arguments that look like a request starting with "-" (`-,5,3`), which minimist would take for flags. */
const DASH_REQUEST = /^-\s*,/;

/**
 * Parses the client's argv.
 *
 * Example: `parseClientArgs(['--udp', '--timeout', '0.1', '--expb', '+,1,1'])`
 *
 * @throws RxnetInvalidOptionError naming the flag.
 */
export function parseClientArgs(argv: readonly string[]): ClientRequest {
  const dashRequests: string[] = [];
  const shielded = argv.map((arg) => (DASH_REQUEST.test(arg) ? `\u0000${dashRequests.push(arg) - 1}` : arg));
  const { flags, positionals } = parseFlags(shielded, CLIENT_FLAGS, clientFlagsSchema);
  if (flags.help) return { help: true };
  const requests = positionals.map((arg) => (arg.startsWith('\u0000') ? (dashRequests[Number(arg.slice(1))] ?? arg) : arg));
  const timeout = flags.timeout;
  const retry: Partial<RetryPolicy> = flags.expb
    ? { initial: timeout, max: flags['max-timeout'] ?? DEFAULT_MAX_TIMEOUT_S * 1000, shouldRetry: retryUnlessRefused }
    : { initial: timeout, max: timeout, retry: false, shouldRetry: retryUnlessRefused };
  const transport = transportOf(flags);
  const named = serverOptions(transport, flags.host ?? CALC_CLIENT_DEFAULTS.host, flags.port ?? CALC_CLIENT_DEFAULTS.port);
  return {
    help: false,
    requests: requests.length > 0 ? requests : undefined,
    wiretap: flags.wiretap,
    options: {
      ...named,
      // --framing chunk: take a reply without a newline after a quiet gap (the original seed server).
      ...(flags.framing === undefined || transport === 'udp' ? {} : { tcp: { ...named.tcp, framing: flags.framing } }),
      ...(flags.unix === undefined ? {} : { path: flags.unix }),
      ...(flags.ca === undefined ? {} : { ca: readCertificates('--ca', flags.ca) }),
      retry,
      ...policyOf(flags),
    },
    discover: flags.discover
      ? {
          first: flags.first,
          mx: flags.mx ?? DEFAULT_MX_S,
          network: {
            group: flags['ssdp-group'] ?? SSDP_GROUP,
            port: flags['ssdp-port'] ?? SSDP_PORT,
            ...(flags['ssdp-interface'] === undefined ? {} : { interfaceAddress: flags['ssdp-interface'] }),
          },
        }
      : undefined,
  };
}

/** How long an open --circuit-breaker waits before it lets a trial request through, in ms. */
export const CIRCUIT_HALF_OPEN_AFTER_MS = 5000;

/**
 * The per-request policy the flags ask for: `--circuit-breaker N` opens after N requests in a
 * row got no answer (then refuses requests unsent for 5 s, and lets one trial through);
 * `--hedge MS` sends a second copy of a UDP request when no answer came within MS (the first
 * answer wins). With both, the breaker sees one outcome per hedged request.
 */
function policyOf(flags: { hedge?: number | undefined; 'circuit-breaker'?: number | undefined }): Pick<CalcClientInput, 'policy'> {
  const parts: MonoTypeOperatorFunction<CalcReply>[] = [];
  if (flags.hedge !== undefined) parts.push(hedge({ delay: flags.hedge, maxAttempts: 2 }));
  const failures = flags['circuit-breaker'];
  if (failures !== undefined) parts.push(circuitBreaker({ breaker: consecutiveBreaker(failures), halfOpenAfter: CIRCUIT_HALF_OPEN_AFTER_MS }));
  if (parts.length === 0) return {};
  return { policy: (source) => parts.reduce((request$, part) => request$.pipe(part), source) };
}

/**
 * The calc client options that name a server: its transport, host and port, and for a stream
 * transport the CLI's fail-fast reconnect schedule. `--discover` uses it for the server picked.
 *
 * Example: `serverOptions('udp', '127.0.0.1', 9001)` is `{ transport: 'udp', host: '127.0.0.1', port: 9001 }`.
 */
export function serverOptions(transport: CalcClientTransport, host: string, port: number): CalcClientInput {
  return { transport, host, port, ...(isStreamTransport(transport) ? { tcp: { reconnect: CLI_RECONNECT } } : {}) };
}

function transportOf(flags: { udp: boolean; tls: boolean; unix?: string | undefined }): CalcClientTransport {
  if (flags.udp) return 'udp';
  if (flags.tls) return 'tls';
  return flags.unix === undefined ? 'tcp' : 'unix';
}

/** Reads a PEM file of certificates named by a flag; a file that cannot be read, or holds no certificate, is a usage error naming the flag. */
function readCertificates(flag: string, file: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new UsageError(`Cannot read ${flag} "${file}" (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`Invalid ${flag} "${file}" (expected a PEM file of certificates)`);
  }
  return pem;
}

/** The CLI retries what is transient, except "nothing listens there": that stops it at once. */
function retryUnlessRefused(err: unknown): boolean {
  return isTransientError(err) && !isServerGone(err);
}

/** The server cannot be reached: the client gave up connecting (TCP), or the port is unreachable (UDP). */
export function isServerGone(err: unknown): boolean {
  return isConnectionError(err) && (err.info.final === true || err.info.syscallCode === 'ECONNREFUSED');
}

