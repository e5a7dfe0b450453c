import { DISCOVER_USAGE, findServers, parseDiscoverArgs } from './discoverCommand.js';
import { EXIT_FAILED, EXIT_OK, runMain } from './runMain.js';

/** `node cli/rxnet.js discover`: list the servers that answer an SSDP search. */
export async function main(argv: readonly string[]): Promise<number> {
  const request = parseDiscoverArgs(argv);
  if (request.help) {
    process.stdout.write(`${DISCOVER_USAGE}\n`);
    return EXIT_OK;
  }
  const servers = await findServers(request);
  for (const server of servers) process.stdout.write(`${server.location}\n`);
  if (servers.length > 0) return EXIT_OK;
  process.stderr.write(`rxnet discover: no server answered within ${request.mx + 1} s\n`);
  return EXIT_FAILED;
}

runMain('rxnet discover', () => main(process.argv.slice(2)));
