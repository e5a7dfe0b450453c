import { formatAddress, startProxyServer } from '../../lib/index.js';
import { startMetrics } from './startMetrics.js';
import { packageVersion } from './packageVersion.js';
import { parseProxyArgs, proxyUsage } from './proxyCommand.js';
import { EXIT_OK, runMain } from './runMain.js';

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 2000;

/** `node cli/rxnet.js proxy`: serve toxiproxy's API until SIGINT or SIGTERM. */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const request = parseProxyArgs(argv);
  if (request.help) {
    process.stdout.write(`${proxyUsage()}\n`);
    return EXIT_OK;
  }
  const server = await startProxyServer({
    host: request.host,
    port: request.port,
    allowRemote: request.allowRemote,
    populate: request.populate,
    version: packageVersion(),
    ...(request.wiretap === undefined ? {} : { wiretap: { format: request.wiretap, log: (entry: string) => process.stderr.write(`${entry}\n`) } }),
  });
  const address = formatAddress(server.address);
  if (!/^(127\.|\[::1\]|\[::ffff:127\.)/.test(address)) {
    process.stderr.write(`rxnet proxy: warning: the API listens on ${address}; anyone who reaches it can redirect traffic\n`);
  }
  const metrics = request.metrics === undefined ? undefined : await startMetrics(server.metrics, request.metrics, () => server.close());
  process.stdout.write(`listening http ${address}\n`);
  const shutdown = (): void => {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    setTimeout(() => process.exit(EXIT_OK), SHUTDOWN_DEADLINE_MS).unref();
    void Promise.all([metrics?.close(), server.close()]).then(() => {
      process.exitCode = EXIT_OK;
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return undefined;
}

runMain('rxnet proxy', () => main(process.argv.slice(2)));
