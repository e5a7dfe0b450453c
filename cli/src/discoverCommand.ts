import { lastValueFrom, toArray } from 'rxjs';
import { z } from 'zod';
import { discover, type DiscoveredService } from '../../lib/index.js';
import { numberFlag, switchFlag } from './flagSchemas.js';
import { parseFlags, type FlagSpec } from './parseFlags.js';
import { programName } from './programName.js';
import { UsageError } from './runMain.js';
import { SSDP_FLAG_NAMES, SSDP_USAGE, ssdpFlagShape, ssdpNetwork } from './ssdpFlags.js';

/** The discover command's flags. */
export const DISCOVER_FLAGS: FlagSpec = {
  string: ['mx', ...SSDP_FLAG_NAMES],
  boolean: ['help'],
  alias: { h: 'help' },
};

/**
 * The discover command's --help text, its usage line naming the command as `program`.
 *
 * Example: `discoverUsage('rxnet discover')` starts with `Usage: rxnet discover [--mx SECONDS]`.
 *
 * @param program defaults to the name this process was started as (see programName).
 */
export function discoverUsage(program = programName('discover')): string {
  return `Usage: ${program} [--mx SECONDS] [--ssdp-group ADDR] [--ssdp-port N] [--ssdp-interface ADDR]

Searches the network with SSDP for rxnet calc servers (started with --announce) and prints each
one's location, transport://host:port, on its own stdout line. Exit 0 when at least one answered,
1 when none did.

  --mx SECONDS           how long servers may wait before answering, 1-5; the search lasts MX + 1 s (default 2)
${SSDP_USAGE}
  -h, --help             print this help
  --version              print rxnet's version`;
}

/** The discover command's --help text for this process (see discoverUsage). */
export const DISCOVER_USAGE = discoverUsage();

const discoverFlagsSchema = z.strictObject({
  mx: numberFlag(1, 5, 'an integer number of seconds 1-5').pipe(z.number().int({ error: 'an integer number of seconds 1-5' })).default(2),
  ...ssdpFlagShape,
  help: switchFlag,
});

/** What the discover command was asked to do. */
export type DiscoverRequest =
  | { readonly help: true }
  | { readonly help: false; readonly mx: number; readonly network: ReturnType<typeof ssdpNetwork> };

/**
 * Parses the discover command's argv (also the SSDP part of `client --discover`).
 *
 * Example: `parseDiscoverArgs(['--mx', '1'])`
 */
export function parseDiscoverArgs(argv: readonly string[]): DiscoverRequest {
  const { flags, positionals } = parseFlags(argv, DISCOVER_FLAGS, discoverFlagsSchema);
  if (flags.help) return { help: true };
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}" (see --help)`);
  return { help: false, mx: flags.mx, network: ssdpNetwork(flags) };
}

/**
 * Searches for servers and resolves with each one found, once, in the order they answered.
 *
 * Example: `const servers = await findServers({ help: false, mx: 1, network: { group: '239.255.255.250', port: 1900 } })`
 */
export function findServers(request: Extract<DiscoverRequest, { help: false }>): Promise<DiscoveredService[]> {
  return lastValueFrom(discover({ ...request.network, mx: request.mx }).pipe(toArray()));
}
