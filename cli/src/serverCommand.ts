import { z } from 'zod';
import { pipe, tap, type OperatorFunction } from 'rxjs';
import {
  FRAMINGS,
  MIN_MAX_LINE_LENGTH,
  SERVER_DEFAULTS,
  calcPipeline,
  formatAddress,
  isOverlong,
  startServer,
  type Frame,
  type RunningServer,
  type ServerOptions,
} from '../../lib/index.js';
import { choiceFlag, hostFlag, integerFlag, numberFlag, portFlag, switchFlag } from './flagSchemas.js';
import { parseFlags, type FlagSpec } from './parseFlags.js';
import { UsageError } from './runMain.js';

/** The server's flags. */
export const SERVER_FLAGS: FlagSpec = {
  string: ['host', 'port', 'success', 'framing', 'max-line-length'],
  boolean: ['tcp', 'udp', 'verbose', 'help'],
  alias: { h: 'help', v: 'verbose' },
};

export const SERVER_USAGE = `Usage: node cli/server.js [--tcp | --udp] [--host H] [--port P] [--success S] [options]

Serves the calc protocol: requests "OP,A,B" (OP one of + - * / % ^), replies "200,RESULT" or "300,-1".

  --tcp                  serve TCP, one request per line (default)
  --udp                  serve UDP, one request per datagram
  --host H               address to bind (default ${SERVER_DEFAULTS.host}; ::1 for IPv6)
  --port P               port to bind, 0 picks a free one (default ${SERVER_DEFAULTS.port})
  --success S            probability in [0, 1] that a reply is sent (default 1). On UDP a lost
                         roll drops that reply; on TCP it ends the connection after the replies
                         before it, so a client never takes a later reply for an earlier one
  --framing line|chunk   TCP only: "line" (default) or "chunk", where each read is one request,
                         for the original seed client that sends no newline
  --max-line-length N    longest request in bytes (default ${SERVER_DEFAULTS.maxLineLength}, at least ${MIN_MAX_LINE_LENGTH})
  -v, --verbose          log each request and reply on stderr
  -h, --help             print this help

Prints "listening tcp|udp HOST:PORT" once ready. SIGINT or SIGTERM closes it; exit 0.
Exit 2 on a usage error, 1 when it cannot listen.`;

const serverFlagsSchema = z
  .strictObject({
    tcp: switchFlag,
    udp: switchFlag,
    host: hostFlag.default(SERVER_DEFAULTS.host),
    port: portFlag.default(SERVER_DEFAULTS.port),
    success: numberFlag(0, 1, 'a number from 0 to 1').default(SERVER_DEFAULTS.success),
    framing: choiceFlag(FRAMINGS).default(SERVER_DEFAULTS.framing),
    'max-line-length': integerFlag(MIN_MAX_LINE_LENGTH, 1 << 24).default(SERVER_DEFAULTS.maxLineLength),
    verbose: switchFlag,
    help: switchFlag,
  })
  .refine((flags) => !(flags.tcp && flags.udp), { error: '--tcp and --udp cannot be used together' })
  .refine((flags) => !(flags.udp && flags.framing === 'chunk'), { error: '--framing applies to --tcp only' });

/** What the server command was asked to do. */
export type ServerRequest = { readonly help: true } | { readonly help: false; readonly options: Partial<ServerOptions>; readonly verbose: boolean };

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
    options: {
      transport: flags.udp ? 'udp' : 'tcp',
      host: flags.host,
      port: flags.port,
      success: flags.success,
      framing: flags.framing,
      maxLineLength: flags['max-line-length'],
    },
  };
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
    onError: request.verbose ? (e) => err(`connection error: ${e instanceof Error ? e.message : String(e)}`) : undefined,
  });
  out(`listening ${server.transport} ${formatAddress(server.address)}`);
  return server;
}
