import { formatAddress, RxnetConnectionError, serveMetrics, startProxyServer, type MetricsEndpoint } from '../../lib/index.js';
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
  });
  const address = formatAddress(server.address);
  if (!/^(127\.|\[::1\]|\[::ffff:127\.)/.test(address)) {
    process.stderr.write(`rxnet proxy: warning: the API listens on ${address}; anyone who reaches it can redirect traffic\n`);
  }
  let metrics: MetricsEndpoint | undefined;
  if (request.metrics !== undefined) {
    try {
      metrics = await serveMetrics({ registry: server.metrics, ...request.metrics });
    } catch (err) {
      await server.close();
      const where = `${request.metrics.host}:${request.metrics.port}`;
      throw new RxnetConnectionError(`Cannot serve metrics on ${where}: ${err instanceof Error ? err.message : String(err)}`, { address: where }, { cause: err });
    }
    const at = formatAddress({ address: request.metrics.host, port: metrics.port, family: request.metrics.host.includes(':') ? 'IPv6' : 'IPv4' });
    process.stderr.write(`metrics http ${at}/metrics\n`);
  }
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
