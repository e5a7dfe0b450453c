/**
 * `node cli/rxnet.js server|client|discover ...`: the seed's merged ClientServer idea. Each
 * subcommand is exactly the module behind its own launcher (cli/server.js, cli/client.js), run
 * with the subcommand's arguments, so flags, help, messages and exit codes are shared, not copied.
 */
const USAGE = `Usage: node cli/rxnet.js <command> [flags]

Commands:
  server     serve the calc protocol (same as node cli/server.js; see: rxnet.js server --help)
  client     send calc requests (same as node cli/client.js; see: rxnet.js client --help)
  discover   list the servers that answer an SSDP search (see: rxnet.js discover --help)`;

const COMMANDS: Readonly<Record<string, string>> = {
  server: './server.js',
  client: './client.js',
  discover: './discover.js',
};

const [command, ...rest] = process.argv.slice(2);
const module = command === undefined ? undefined : COMMANDS[command];
if (command === '--help' || command === '-h') {
  process.stdout.write(`${USAGE}\n`);
} else if (module === undefined) {
  process.stderr.write(
    command === undefined ? `rxnet: a command is needed\n${USAGE}\n` : `rxnet: Unknown command "${command}" (expected server, client or discover)\n`,
  );
  process.exitCode = 2;
} else {
  // The subcommand module reads its own arguments from process.argv.
  process.argv = [process.argv[0] ?? 'node', process.argv[1] ?? 'rxnet', ...rest];
  await import(module);
}
