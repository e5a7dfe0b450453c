/**
 * `rxnet server|client|discover ...` (or `node cli/rxnet.js ...`): the seed's merged
 * ClientServer idea. Each subcommand is exactly the module behind its own launcher
 * (cli/server.js, cli/client.js), run with the subcommand's arguments, so flags, help, messages
 * and exit codes are shared, not copied. `rxnet help [command]` prints this usage or a command's.
 */
import { clientUsage } from './clientUsage.js';
import { discoverUsage } from './discoverCommand.js';
import { packageVersion } from './packageVersion.js';
import { programName, type CommandName } from './programName.js';
import { proxyUsage } from './proxyCommand.js';
import { EXIT_USAGE } from './runMain.js';
import { serverUsage } from './serverCommand.js';

/** The commands of `rxnet`: those of programName, and proxy, which has no launcher of its own. */
type RxnetCommand = CommandName | 'proxy';

/** Each command: the module that runs it, and its usage. */
const COMMANDS: Readonly<Record<RxnetCommand, { readonly module: string; readonly usage: () => string }>> = {
  server: { module: './server.js', usage: serverUsage },
  client: { module: './client.js', usage: clientUsage },
  discover: { module: './discover.js', usage: discoverUsage },
  proxy: { module: './proxy.js', usage: () => proxyUsage() },
};

const rxnet = programName();

const USAGE = `Usage: ${rxnet} <command> [flags]
       ${rxnet} help [command]

Commands:
  server     serve the calc protocol (see: ${rxnet} help server)
  client     send calc requests (see: ${rxnet} help client)
  discover   list the servers that answer an SSDP search (see: ${rxnet} help discover)
  proxy      serve toxiproxy's API: proxies that impair TCP and UDP (see: ${rxnet} help proxy)
  help       print this list, or with a command its usage (as COMMAND --help does)

Every command also takes --help, and --version to print rxnet's version (${rxnet} --version).
Exit 2 on a usage error.`;

function isCommand(name: string | undefined): name is RxnetCommand {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

const UNKNOWN = (name: string): string => `rxnet: Unknown command "${name}" (expected server, client, discover, proxy or help)\n`;

const [command, ...rest] = process.argv.slice(2);
if (command === '--help' || command === '-h' || (command === 'help' && rest.length === 0)) {
  process.stdout.write(`${USAGE}\n`);
} else if (command === '--version') {
  process.stdout.write(`${packageVersion()}\n`);
} else if (command === 'help') {
  const [topic, ...extra] = rest;
  if (isCommand(topic) && extra.length === 0) {
    process.stdout.write(`${COMMANDS[topic].usage()}\n`);
  } else {
    process.stderr.write(isCommand(topic) ? `rxnet: help takes one command\n` : UNKNOWN(topic ?? ''));
    process.exitCode = EXIT_USAGE;
  }
} else if (!isCommand(command)) {
  process.stderr.write(command === undefined ? `rxnet: a command is needed\n${USAGE}\n` : UNKNOWN(command));
  process.exitCode = EXIT_USAGE;
} else {
  // The subcommand module reads its own arguments from process.argv; argv[1] stays the
  // launcher, so its usage says how it was started (programName).
  process.argv = [process.argv[0] ?? 'node', process.argv[1] ?? 'rxnet', ...rest];
  await import(COMMANDS[command].module);
}
