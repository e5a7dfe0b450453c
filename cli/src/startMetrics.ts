import { formatHostPort, RxnetConnectionError, serveMetrics, type MetricsEndpoint, type ServeMetricsOptions } from '../../lib/index.js';

/** The address of `--metrics-port` / `--metrics-host`. */
export interface MetricsAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Serves a command's Prometheus registry for `--metrics-port` and prints where, on stderr
 * (`metrics http 127.0.0.1:9464/metrics`); the ready line on stdout stays one line. When it
 * cannot listen, `release()` runs (closing what the command had started) and the error is an
 * RxnetConnectionError naming the address: one line and exit 1.
 *
 * Example: `const metrics = await startMetrics(server.metrics, request.metrics, () => server.close())`
 */
export async function startMetrics(
  registry: ServeMetricsOptions['registry'],
  at: MetricsAddress,
  release: () => Promise<unknown>,
): Promise<MetricsEndpoint> {
  let endpoint: MetricsEndpoint;
  try {
    endpoint = await serveMetrics({ registry, ...at });
  } catch (err) {
    await release();
    const address = formatHostPort(at.host, at.port);
    throw new RxnetConnectionError(`Cannot serve metrics on ${address}: ${err instanceof Error ? err.message : String(err)}`, { address }, { cause: err });
  }
  process.stderr.write(`metrics http ${formatHostPort(at.host, endpoint.port)}/metrics\n`);
  return endpoint;
}
