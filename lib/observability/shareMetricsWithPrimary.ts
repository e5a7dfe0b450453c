import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * In a node:cluster worker: answers the primary's {@link aggregatedMetrics} requests with
 * `registry`'s series (prom-client's cluster protocol over the IPC channel), instead of serving
 * them on a port of its own. Call it once, as early as possible: a request that arrives before
 * it is not answered. Outside a worker it does nothing.
 *
 * Example: `shareMetricsWithPrimary(counterMetrics({ transport: 'tcp', read: () => server.snapshot() }))`
 *
 * @see aggregatedMetrics
 */
export function shareMetricsWithPrimary(registry: Registry): void {
  // Constructing an AggregatorRegistry is what installs prom-client's listener in a worker.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}
