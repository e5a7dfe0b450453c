import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { pipe, tap, type OperatorFunction } from 'rxjs';
import {
  FRAMINGS,
  WIRETAP_FORMATS,
  MIN_MAX_LINE_LENGTH,
  SERVER_DEFAULTS,
  calcPipeline,
  formatAddress,
  isOverlong,
  startServer,
  type Frame,
  type RunningServer,
  type ServerOptions,
  type ServerStatsSnapshot,
  type WiretapFormat,
} from '../../lib/index.js';
import { choiceFlag, hostFlag, integerFlag, numberFlag, portFlag, switchFlag } from './flagSchemas.js';
import { parseFlags, type FlagSpec } from './parseFlags.js';
import { SSDP_FLAG_NAMES, SSDP_USAGE, ssdpFlagShape, ssdpNetwork } from './ssdpFlags.js';
import { programName } from './programName.js';
import { UsageError } from './runMain.js';

/** The server's flags. */
export const SERVER_FLAGS: FlagSpec = {
  string: [
    'host',
    'port',
    'success',
    'framing',
    'max-line-length',
    'max-connections',
    'idle-timeout',
    'handshake-timeout',
    'max-in-flight',
    'max-datagram-size',
    'udp-rate',
    'udp-burst',
    'grace',
    'stats',
    'unix',
    'cert',
    'key',
    'workers',
    'metrics-port',
    'wiretap',
    'metrics-host',
    ...SSDP_FLAG_NAMES,
  ],
  boolean: ['tcp', 'udp', 'tls', 'verbose', 'help', 'announce', 'udp-rate-loopback'],
  alias: { h: 'help', v: 'verbose' },
};

/** The default grace period of a shutdown, in seconds: short enough to exit within 2 s. */
export const DEFAULT_GRACE_SECONDS = 1;

/**
 * The server's --help text, its usage line naming the server as `program`.
 *
 * Example: `serverUsage('rxnet-server')` starts with `Usage: rxnet-server [--tcp | --udp ...`.
 *
 * @param program defaults to the name this process was started as (see programName).
 */
export function serverUsage(program = programName('server')): string {
  return `Usage: ${program} [--tcp | --udp | --tls --cert F --key F | --unix PATH] [--host H] [--port P] [--success S] [options]

Serves the calc protocol: requests "OP,A,B" (OP one of + - * / % ^), replies "200,RESULT" or "300,-1".

  --tcp                  serve TCP, one request per line (default)
  --udp                  serve UDP, one request per datagram
  --tls                  serve TLS over TCP (lines as on TCP); needs --cert and --key
  --cert F, --key F      PEM files of the TLS certificate chain and private key
  --unix PATH            serve a Unix domain stream socket at PATH (lines as on TCP)
  --host H               address to bind (default ${SERVER_DEFAULTS.host}; ::1 or [::1] for IPv6)
  --port P               port to bind, 0 picks a free one (default ${SERVER_DEFAULTS.port})
  --success S            probability in [0, 1] that a reply is sent (default 1). On UDP a lost
                         roll drops that reply; on a stream (tcp, tls, unix) it ends the connection
                         after the replies before it, so a client never takes a later reply for
                         an earlier one
  --framing line|chunk   on a stream transport (tcp, tls, unix): "line" (default), or "chunk",
                         where each read is one request, for the original seed client that
                         sends no newline
  --max-line-length N    longest request in bytes (default ${SERVER_DEFAULTS.maxLineLength}, at least ${MIN_MAX_LINE_LENGTH})
  -v, --verbose          log each request and reply on stderr
  --stats SECONDS        print counters and latency percentiles every SECONDS
  -h, --help             print this help
  --version              print rxnet's version

Limits (see docs/reliability.md):
  --max-connections N    TCP connections open at once; more are closed on arrival (default ${SERVER_DEFAULTS.maxConnections})
  --idle-timeout SECONDS close a TCP connection silent both ways this long; 0 never (default ${SERVER_DEFAULTS.idleTimeoutMs / 1000})
  --handshake-timeout SECONDS
                         close a TLS connection whose handshake is not done this long after it
                         arrived (default ${SERVER_DEFAULTS.handshakeTimeoutMs / 1000})
  --max-in-flight N      TCP requests read and not yet answered per connection (default ${SERVER_DEFAULTS.maxInFlight})
  --max-datagram-size N  longest UDP request in bytes (default ${SERVER_DEFAULTS.maxDatagramSize})
  --udp-rate N           UDP replies per second to one source address; 0 no limit (default ${SERVER_DEFAULTS.udpRate})
  --udp-burst N          UDP replies one source may get at once (default ${SERVER_DEFAULTS.udpBurst})
  --udp-rate-loopback    rate-limit loopback sources too (127.0.0.0/8, ::1; by default they are
                         not: they cannot be forged from another host)
  --workers N|auto       run N server processes sharing the port (node:cluster); auto = one per
                         core (default 1). A worker that dies is logged and replaced (backoff
                         100 ms doubling, at most 5 s); only a worker that cannot start stops all
  --wiretap text|hex     log the bytes of every connection or datagram on stderr (time, direction,
                         peer, length, then escaped text or hexdump -C lines); off by default
  --metrics-port P       serve Prometheus metrics (GET /metrics) on 127.0.0.1:P; 0 picks a port.
                         With --workers the primary serves the sum of its workers' series
  --metrics-host H       the address of --metrics-port (default 127.0.0.1: not the network)
  --announce             make the server discoverable with SSDP (tcp and udp only; see docs/discovery.md)
${SSDP_USAGE}
  --grace SECONDS        on SIGINT/SIGTERM, time to answer what was received before closing (default ${DEFAULT_GRACE_SECONDS})

Once ready it prints one line on stdout: "listening tcp HOST:PORT", "listening udp HOST:PORT",
"listening tls HOST:PORT" or "listening unix PATH" (an IPv6 HOST in brackets: [::1]:9000).
SIGINT or SIGTERM stops accepting, answers what was already received, closes every connection
and exits 0. Exit 2 on a usage error, 1 when it cannot listen.`;
}

/** The server's --help text for this process (see serverUsage). */
export const SERVER_USAGE = serverUsage();

const allowsWorkers = { error: 'an integer 1-256 or auto' };

const serverFlagsSchema = z
  .strictObject({
    tcp: switchFlag,
    udp: switchFlag,
    tls: switchFlag,
    unix: z.string({ error: 'a socket file path' }).min(1, { error: 'a socket file path' }).optional(),
    cert: z.string({ error: 'a PEM file path' }).min(1, { error: 'a PEM file path' }).optional(),
    key: z.string({ error: 'a PEM file path' }).min(1, { error: 'a PEM file path' }).optional(),
    host: hostFlag.default(SERVER_DEFAULTS.host),
    port: portFlag.default(SERVER_DEFAULTS.port),
    success: numberFlag(0, 1, 'a number from 0 to 1').default(SERVER_DEFAULTS.success),
    framing: choiceFlag(FRAMINGS).default(SERVER_DEFAULTS.framing),
    'max-line-length': integerFlag(MIN_MAX_LINE_LENGTH, 1 << 24).default(SERVER_DEFAULTS.maxLineLength),
    'max-connections': integerFlag(1, 1_000_000).default(SERVER_DEFAULTS.maxConnections),
    'idle-timeout': numberFlag(0, 86_400, 'a number of seconds 0-86400').default(SERVER_DEFAULTS.idleTimeoutMs / 1000),
    'handshake-timeout': numberFlag(0.001, 3600, 'a number of seconds 0.001-3600').default(SERVER_DEFAULTS.handshakeTimeoutMs / 1000),
    'max-in-flight': integerFlag(1, 1_000_000).default(SERVER_DEFAULTS.maxInFlight),
    'max-datagram-size': integerFlag(1, 65_507).default(SERVER_DEFAULTS.maxDatagramSize),
    'udp-rate': integerFlag(0, 1_000_000_000).default(SERVER_DEFAULTS.udpRate),
    'udp-burst': integerFlag(1, 1_000_000_000).default(SERVER_DEFAULTS.udpBurst),
    grace: numberFlag(0, 1.5, 'a number of seconds 0-1.5').default(DEFAULT_GRACE_SECONDS),
    stats: numberFlag(0.1, 86_400, 'a number of seconds 0.1-86400').optional(),
    workers: z
      .string(allowsWorkers)
      .regex(/^(auto|\d{1,3})$/, allowsWorkers)
      .transform((value) => (value === 'auto' ? availableParallelism() : Number(value)))
      .pipe(z.number().min(1, allowsWorkers).max(256, allowsWorkers))
      .default(1),
    'metrics-port': portFlag.optional(),
    wiretap: choiceFlag(WIRETAP_FORMATS).optional(),
    'metrics-host': hostFlag.optional(),
    announce: switchFlag,
    'udp-rate-loopback': switchFlag,
    ...ssdpFlagShape,
    verbose: switchFlag,
    help: switchFlag,
  })
  .refine((flags) => [flags.tcp, flags.udp, flags.tls, flags.unix !== undefined].filter(Boolean).length <= 1, {
    error: 'use only one of --tcp, --udp, --tls and --unix',
  })
  .refine((flags) => !flags.tls || (flags.cert !== undefined && flags.key !== undefined), { error: '--tls needs --cert and --key' })
  .refine((flags) => flags.tls || (flags.cert === undefined && flags.key === undefined), { error: '--cert and --key apply to --tls only' })
  .refine((flags) => !flags.announce || !(flags.tls || flags.unix !== undefined), {
    error: '--announce supports --tcp and --udp only',
  })
  .refine((flags) => flags['metrics-port'] !== undefined || flags['metrics-host'] === undefined, { error: '--metrics-host applies with --metrics-port only' })
  .refine((flags) => !(flags.udp && flags.framing === 'chunk'), { error: '--framing applies to stream transports only, not --udp' });

/** What the server command was asked to do. */
export type ServerRequest =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly options: Partial<ServerOptions>;
      readonly verbose: boolean;
      /** Grace period of a shutdown, in ms. */
      readonly graceMs: number;
      /** Print stats every this many ms, if set. */
      readonly statsMs: number | undefined;
      /** Server processes sharing the port (node:cluster); 1 runs in this process. */
      readonly workers: number;
      /** Log every connection's or datagram's bytes on stderr in this form (--wiretap). */
      readonly wiretap: WiretapFormat | undefined;
      /** GET /metrics (Prometheus) on this address, when asked for with --metrics-port. */
      readonly metrics: { host: string; port: number } | undefined;
      /** SSDP announcement, when asked for with --announce. */
      readonly announce: { group: string; port: number; interfaceAddress?: string } | undefined;
    };

/**
 * Parses the server's argv.
 *
 * Example: `parseServerArgs(['--udp', '--success', '0.5'])`
 *
 * @throws RxnetInvalidOptionError naming the flag.
 */
export function parseServerArgs(argv: readonly string[]): ServerRequest {
  const { flags, positionals } = parseFlags(argv, SERVER_FLAGS, serverFlagsSchema);
  if (flags.help) return { help: true };
  if (positionals.length > 0) {
    throw new UsageError(`Unexpected argument "${positionals[0]}" (the server takes only flags; see --help)`);
  }
  return {
    help: false,
    verbose: flags.verbose,
    graceMs: Math.round(flags.grace * 1000),
    workers: flags.workers,
    announce: flags.announce ? ssdpNetwork(flags) : undefined,
    wiretap: flags.wiretap,
    metrics: flags['metrics-port'] === undefined ? undefined : { host: flags['metrics-host'] ?? '127.0.0.1', port: flags['metrics-port'] },
    statsMs: flags.stats === undefined ? undefined : Math.round(flags.stats * 1000),
    options: {
      transport: transportOf(flags),
      ...(flags.unix === undefined ? {} : { path: flags.unix }),
      ...(flags.tls ? { cert: readPem('--cert', flags.cert), key: readPem('--key', flags.key) } : {}),
      host: flags.host,
      port: flags.port,
      success: flags.success,
      framing: flags.framing,
      maxLineLength: flags['max-line-length'],
      maxConnections: flags['max-connections'],
      idleTimeoutMs: Math.round(flags['idle-timeout'] * 1000),
      handshakeTimeoutMs: Math.round(flags['handshake-timeout'] * 1000),
      maxInFlight: flags['max-in-flight'],
      maxDatagramSize: flags['max-datagram-size'],
      udpRate: flags['udp-rate'],
      udpBurst: flags['udp-burst'],
      udpRateLoopback: flags['udp-rate-loopback'],
    },
  };
}

function transportOf(flags: { udp: boolean; tls: boolean; unix?: string | undefined }): ServerOptions['transport'] {
  if (flags.udp) return 'udp';
  if (flags.tls) return 'tls';
  return flags.unix === undefined ? 'tcp' : 'unix';
}

/** What a PEM file holds, by the label of its blocks: `CERTIFICATE`, or `PRIVATE KEY` (also `RSA `, `EC `, `ENCRYPTED `). */
const PEM_BLOCKS = {
  certificate: /-----BEGIN CERTIFICATE-----/,
  'private key': /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/,
} as const;

/**
 * Reads the PEM file of --cert (a certificate chain) or --key (a private key). A file that
 * cannot be read or holds the wrong thing is a usage error naming the flag and the file:
 * `--cert "key.pem" holds no certificate (found a private key); swapped --cert and --key?`.
 */
function readPem(flag: '--cert' | '--key', file: string | undefined): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file ?? '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`Cannot read ${flag} "${file ?? ''}" (${code})`);
  }
  const [wanted, other] = flag === '--cert' ? (['certificate', 'private key'] as const) : (['private key', 'certificate'] as const);
  const text = pem.toString('latin1');
  if (!PEM_BLOCKS[wanted].test(text)) {
    throw new UsageError(
      PEM_BLOCKS[other].test(text)
        ? `${flag} "${file ?? ''}" holds no ${wanted} (found a ${other}); swapped --cert and --key?`
        : `${flag} "${file ?? ''}" holds no ${wanted} (expected a PEM file with a "-----BEGIN ${wanted.toUpperCase()}-----" block)`,
    );
  }
  return pem;
}

/** The calc pipeline, logging each request as it arrives and each reply as it leaves. */
function verbosePipeline(options: Partial<ServerOptions>, log: (line: string) => void): OperatorFunction<Frame, string> {
  return pipe(
    tap((frame: Frame) => log(`request ${JSON.stringify(describe(frame))}`)),
    calcPipeline(options),
    tap((reply) => log(`reply   ${reply}`)),
  );
}

function describe(frame: Frame): string {
  return isOverlong(frame) ? `<over ${frame.limit} bytes>` : frame;
}

/**
 * Starts the server the flags ask for and prints the ready line.
 *
 * Example: `await runServer({ help: false, verbose: false, options: { port: 0 } }, console.log, console.error)`
 */
export async function runServer(
  request: Extract<ServerRequest, { help: false }>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<RunningServer> {
  const pipeline = request.verbose ? verbosePipeline(request.options, err) : undefined;
  const server = await startServer(request.options, pipeline, {
    ...(request.wiretap === undefined ? {} : { wiretap: { format: request.wiretap, log: err } }),
    onError: request.verbose ? (e) => err(`connection error: ${e instanceof Error ? e.message : String(e)}`) : undefined,
  });
  out(`listening ${server.transport} ${formatAddress(server.address)}`);
  return server;
}

/**
 * Formats a stats snapshot as one line.
 *
 * Example: `formatStats(server.snapshot())` gives `stats requests=3 replies=3 invalid=1 ... p99=40us`.
 */
export function formatStats(s: ServerStatsSnapshot): string {
  const { p50, p99, p999 } = s.latencyMicros;
  return (
    `stats requests=${s.requests} replies=${s.replies} invalid=${s.invalid} dropped=${s.dropped} ` +
    `rate-limited=${s.rateLimited} errors=${s.errors} open=${s.openConnections} handshaking=${s.handshakingConnections} refused=${s.refusedConnections} ` +
    `p50=${p50}us p99=${p99}us p999=${p999}us`
  );
}
