import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { WIRETAP_FORMATS, type WiretapFormat } from '../../lib/index.js';
import { choiceFlag, hostFlag, portFlag, switchFlag } from './flagSchemas.js';
import { parseFlags, type FlagSpec } from './parseFlags.js';
import { programName } from './programName.js';
import { UsageError } from './runMain.js';

/** The proxy command's flags. */
export const PROXY_FLAGS: FlagSpec = {
  string: ['host', 'port', 'config', 'metrics-port', 'metrics-host', 'wiretap'],
  boolean: ['allow-remote', 'help'],
  alias: { h: 'help' },
};

/**
 * The proxy command's --help text, its usage line naming the command as `program`.
 *
 * Example: `proxyUsage('rxnet proxy')` starts with `Usage: rxnet proxy [--host H]`.
 *
 * @param program defaults to how this process was started, plus ` proxy`.
 */
export function proxyUsage(program = `${programName()} proxy`): string {
  return `Usage: ${program} [--host H] [--port P] [--config FILE] [--allow-remote] [--metrics-port P] [--wiretap text|hex]

Serves toxiproxy's HTTP control API: create proxies (TCP, or UDP with "protocol": "udp") and
add toxics (latency, bandwidth, timeout, reset_peer, slicer, limit_data, slow_close,
packet_loss, noop; on UDP also duplicate, reorder, corrupt). toxiproxy's clients work with it.
Prints one line, "listening http HOST:PORT", once ready; SIGINT or SIGTERM stops it.

  --host H            the API's address (default localhost, which binds 127.0.0.1)
  --port P            the API's port, 0 for a free one (default 8474, toxiproxy's)
  --config FILE       proxies to create at start: a JSON array, as POST /populate takes
  --allow-remote      allow --host to be other than loopback (anyone who reaches the API can redirect traffic)
  --metrics-port P    also serve the proxies' Prometheus metrics (GET /metrics) on 127.0.0.1:P
  --metrics-host H    the address of --metrics-port (default 127.0.0.1)
  --wiretap text|hex  log the bytes of both sides of every proxied connection or datagram on
                      stderr (time, direction, peer, length, then escaped text or hexdump -C
                      lines): in from the client, out to the upstream (after the toxics), and
                      back; off by default
  -h, --help          print this help
  --version           print rxnet's version

Example:
  ${program} &
  curl -s -XPOST localhost:8474/proxies -d '{"name":"redis","listen":"localhost:26379","upstream":"localhost:6379"}'
  curl -s -XPOST localhost:8474/proxies/redis/toxics -d '{"type":"latency","attributes":{"latency":1000}}'`;
}

const proxyFlagsSchema = z.strictObject({
  host: hostFlag.default('localhost'),
  port: portFlag.default(8474),
  config: z.string({ error: 'a file path' }).min(1, { error: 'a file path' }).optional(),
  'allow-remote': switchFlag,
  'metrics-port': portFlag.optional(),
  'metrics-host': hostFlag.optional(),
  wiretap: choiceFlag(WIRETAP_FORMATS).optional(),
  help: switchFlag,
}).refine((flags) => flags['metrics-port'] !== undefined || flags['metrics-host'] === undefined, { error: '--metrics-host applies with --metrics-port only' });

/** What the proxy command was asked to do. */
export type ProxyRequest =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly host: string;
      readonly port: number;
      readonly allowRemote: boolean;
      readonly populate: unknown;
      /** GET /metrics on this address too, when asked for with --metrics-port. */
      readonly metrics: { host: string; port: number } | undefined;
      /** Log the bytes of every proxied connection or datagram on stderr in this form (--wiretap), or not at all. */
      readonly wiretap: WiretapFormat | undefined;
    };

/**
 * Parses the proxy command's argv, reading `--config` (a JSON array of proxies).
 *
 * Example: `parseProxyArgs(['--port', '0'])`
 *
 * @throws RxnetInvalidOptionError for a bad flag; UsageError for a stray argument or a config that cannot be read.
 */
export function parseProxyArgs(argv: readonly string[]): ProxyRequest {
  const { flags, positionals } = parseFlags(argv, PROXY_FLAGS, proxyFlagsSchema);
  if (flags.help) return { help: true };
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}" (see --help)`);
  return {
    help: false,
    host: flags.host,
    port: flags.port,
    allowRemote: flags['allow-remote'],
    populate: flags.config === undefined ? undefined : readConfig(flags.config),
    metrics: flags['metrics-port'] === undefined ? undefined : { host: flags['metrics-host'] ?? '127.0.0.1', port: flags['metrics-port'] },
    wiretap: flags.wiretap,
  };
}

/** The parsed JSON of a --config file; one line naming the file when it cannot be read or parsed. */
function readConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read --config "${path}" (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`Invalid --config "${path}" (not JSON: ${(err as Error).message})`);
  }
}
