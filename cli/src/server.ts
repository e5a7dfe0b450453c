import { EXIT_OK, runMain } from './runMain.js';
import { isWorker, reportReady, runPrimary } from './serverCluster.js';
import { formatStats, parseServerArgs, runServer, SERVER_USAGE } from './serverCommand.js';

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 2000;

/** `node cli/server.js`: parse flags, start the server, close it on SIGINT/SIGTERM. */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const request = parseServerArgs(argv);
  if (request.help) {
    process.stdout.write(`${SERVER_USAGE}\n`);
    return EXIT_OK;
  }
  if (request.workers > 1 && !isWorker()) return runPrimary(request.workers, SHUTDOWN_DEADLINE_MS);
  const server = await runServer(
    request,
    (line) => (isWorker() ? reportReady(line) : process.stdout.write(`${line}\n`)),
    (line) => process.stderr.write(`${line}\n`),
  );
  const stats =
    request.statsMs === undefined
      ? undefined
      : server.stats(request.statsMs).subscribe((snapshot) => process.stdout.write(`${formatStats(snapshot)}\n`));
  const shutdown = (): void => {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    stats?.unsubscribe();
    setTimeout(() => process.exit(EXIT_OK), SHUTDOWN_DEADLINE_MS).unref();
    void server.close({ graceMs: request.graceMs }).then(() => {
      process.exitCode = EXIT_OK;
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return undefined;
}

runMain('rxnet server', () => main(process.argv.slice(2)));
