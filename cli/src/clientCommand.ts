import { z } from 'zod';
import {
  CALC_CLIENT_DEFAULTS,
  isConnectionError,
  isTransientError,
  type CalcClientInput,
  type RetryPolicy,
} from '../../lib/index.js';
import { DEFAULT_MAX_TIMEOUT_S, DEFAULT_TIMEOUT_S, MAX_SECONDS } from './clientUsage.js';
import { hostFlag, switchFlag } from './flagSchemas.js';
import { remotePortFlag, secondsFlag } from './clientFlagSchemas.js';
import { parseFlags, type FlagSpec } from './parseFlags.js';

/** The client's flags. */
export const CLIENT_FLAGS: FlagSpec = {
  string: ['host', 'port', 'timeout', 'max-timeout'],
  boolean: ['tcp', 'udp', 'expb', 'help'],
  alias: { h: 'help' },
};

/** The CLI's TCP reconnect schedule: 4 connection attempts at 0, 0.1, 0.3, 0.7 s, then give up (fail fast). */
const CLI_RECONNECT = { initial: 100, factor: 2, max: 400 } as const;

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
export function isServerGone(err: unknown): boolean {
  return isConnectionError(err) && (err.info.final === true || err.info.syscallCode === 'ECONNREFUSED');
}

