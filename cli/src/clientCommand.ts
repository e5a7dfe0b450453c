import { z } from 'zod';
import { firstValueFrom } from 'rxjs';
import {
  CALC_CLIENT_DEFAULTS,
  createCalcClient,
  isClosedError,
  isConnectionError,
  isTimeoutError,
  isTransientError,
  type CalcClientInput,
  type RetryPolicy,
} from '../../lib/index.js';
import { hostFlag, switchFlag } from './flagSchemas.js';
import { remotePortFlag, secondsFlag } from './clientFlagSchemas.js';
import { parseFlags, type FlagSpec } from './parseFlags.js';
import { EXIT_FAILED, EXIT_OK } from './runMain.js';

/** The client's flags. */
export const CLIENT_FLAGS: FlagSpec = {
  string: ['host', 'port', 'timeout', 'max-timeout'],
  boolean: ['tcp', 'udp', 'expb', 'help'],
  alias: { h: 'help' },
};

/** Documented defaults, in seconds where the flag is. */
export const DEFAULT_TIMEOUT_S = 1;
export const DEFAULT_MAX_TIMEOUT_S = 2;
const MAX_SECONDS = 3600;

/** The CLI's TCP reconnect schedule: 4 connection attempts at 0, 0.1, 0.3, 0.7 s, then give up (fail fast). */
const CLI_RECONNECT = { initial: 100, factor: 2, max: 400 } as const;

export const CLIENT_USAGE = `Usage: node cli/client.js [--tcp | --udp] [--host H] [--port P] [--timeout SECONDS] [--expb] [--max-timeout SECONDS] [REQUEST...]

Sends calc requests "OP,A,B" (OP one of + - * / % ^) and prints each answer, "200,RESULT" or
"300,-1", on its own stdout line, in request order.

  --tcp                  use TCP (default)
  --udp                  use UDP
  --host H               server address (default ${CALC_CLIENT_DEFAULTS.host})
  --port P               server port (default ${CALC_CLIENT_DEFAULTS.port})
  --timeout SECONDS      how long to wait for an answer (default ${DEFAULT_TIMEOUT_S}). Without --expb there is
                         one attempt that waits this long
  --expb                 exponential backoff: send, wait SECONDS; no answer: send again, wait twice
                         as long, and so on while the wait is at most --max-timeout; when the next
                         wait would exceed it, give up without another send. An answer to any copy
                         counts. --timeout 0.1 --expb sends at 0, 0.1, 0.3, 0.7, 1.5 s; gives up at 3.1 s
  --max-timeout SECONDS  with --expb, the longest wait (default ${DEFAULT_MAX_TIMEOUT_S}, the seed's limit)
  -h, --help             print this help

Requests come from the arguments, else one per line from stdin (blank lines are skipped); with
a terminal on stdin it prompts, and Ctrl-D ends the session. A request such as -,5,3 is taken
as a request, not a flag. Requests are sent one at a time, each after the previous one's
answer, on one connection (the original seed server takes each read as one request). A request
that gets no answer prints one line on stderr and the client goes on; a server that cannot be
reached (TCP: 4 connection attempts in about 0.7 s; UDP: port unreachable) stops it at once.
When stdout is not a terminal it carries nothing but the answers.

Exit 0 when every request was answered, 1 when some were not or the server could not be
reached, 2 on a usage error.`;

const clientFlagsSchema = z
  .strictObject({
    tcp: switchFlag,
    udp: switchFlag,
    host: hostFlag.default(CALC_CLIENT_DEFAULTS.host),
    port: remotePortFlag.default(CALC_CLIENT_DEFAULTS.port),
    timeout: secondsFlag(MAX_SECONDS).default(DEFAULT_TIMEOUT_S * 1000),
    expb: switchFlag,
    'max-timeout': secondsFlag(MAX_SECONDS).optional(),
    help: switchFlag,
  })
  .refine((flags) => !(flags.tcp && flags.udp), { error: '--tcp and --udp cannot be used together' })
  .refine((flags) => flags.expb || flags['max-timeout'] === undefined, { error: '--max-timeout applies with --expb only' })
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
    };

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
  return {
    help: false,
    requests: requests.length > 0 ? requests : undefined,
    options: {
      transport: flags.udp ? 'udp' : 'tcp',
      host: flags.host,
      port: flags.port,
      retry,
      ...(flags.udp ? {} : { tcp: { reconnect: CLI_RECONNECT } }),
    },
  };
}

/** The CLI retries what is transient, except "nothing listens there": that stops it at once. */
function retryUnlessRefused(err: unknown): boolean {
  return isTransientError(err) && !isServerGone(err);
}

/** The server cannot be reached: the client gave up connecting (TCP), or the port is unreachable (UDP). */
function isServerGone(err: unknown): boolean {
  return isConnectionError(err) && (err.info.final === true || err.info.syscallCode === 'ECONNREFUSED');
}

/** Where the client command writes. */
export interface ClientIo {
  /** One answer line (stdout). */
  out(line: string): void;
  /** One message line (stderr). */
  err(line: string): void;
  /** Shows the prompt again (interactive sessions only). */
  prompt?(): void;
}

/** `150 ms` or `3.1 s`. */
function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Sends each request in turn and prints its answer; returns the exit status. A request with no
 * answer prints one line on `io.err` and the loop goes on; a server that cannot be reached ends
 * it with one line.
 *
 * Example: `await runClient(parseClientArgs(['+,1,1']), ['+,1,1'], { out: console.log, err: console.error })`
 */
export async function runClient(
  request: Extract<ClientRequest, { help: false }>,
  lines: AsyncIterable<string> | Iterable<string>,
  io: ClientIo,
): Promise<number> {
  let attempts = 0;
  const client = createCalcClient({ ...request.options, onAttempt: (_line, attempt) => (attempts = attempt) });
  let unanswered = 0;
  try {
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === '') {
        io.prompt?.();
        continue;
      }
      attempts = 0;
      const started = performance.now();
      try {
        io.out((await firstValueFrom(client.request(line))).text);
      } catch (err) {
        if (isServerGone(err)) {
          io.err(`rxnet client: ${(err as Error).message}`);
          return EXIT_FAILED;
        }
        if (isClosedError(err)) return EXIT_FAILED;
        unanswered += 1;
        io.err(describeFailure(line, err, attempts, performance.now() - started));
      }
      io.prompt?.();
    }
  } finally {
    await client.close();
  }
  return unanswered === 0 ? EXIT_OK : EXIT_FAILED;
}

/** One stderr line for a request that got no answer: which request, how many attempts, how long, why. */
function describeFailure(line: string, err: unknown, attempts: number, elapsedMs: number): string {
  const shown = JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}...` : line);
  if (isTimeoutError(err)) {
    const n = err.info.attempts;
    return `rxnet client: no answer to ${shown} after ${n} attempt${n === 1 ? '' : 's'} in ${formatDuration(err.info.elapsedMs)}`;
  }
  const reason = err instanceof Error ? err.message : String(err);
  return `rxnet client: no answer to ${shown} after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${formatDuration(elapsedMs)}: ${reason}`;
}
