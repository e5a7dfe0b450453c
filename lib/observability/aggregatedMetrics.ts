import { AggregatorRegistry } from 'prom-client';
import type { MetricsSource } from './serveMetrics.js';

/**
 * In the primary of a node:cluster: a metrics source whose exposition is its workers' series,
 * aggregated by prom-client's AggregatorRegistry (counters, gauges and histogram buckets summed;
 * process metrics by their own rule: summed, averaged or the first). Each scrape asks every
 * connected worker for its registries (see {@link shareMetricsWithPrimary}) and waits for all of
 * them, at most 5 s (prom-client's timeout; then the scrape fails). No workers: an empty body.
 *
 * Example: `await serveMetrics({ registry: aggregatedMetrics(), port: 9464 })`
 *
 * @see shareMetricsWithPrimary, serveMetrics
 */
export function aggregatedMetrics(): MetricsSource {
  const aggregator = new AggregatorRegistry();
  return { contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() };
}
