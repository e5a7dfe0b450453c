import { Counter, Registry } from 'prom-client';
import type { CounterFactory, ProxyEntry } from './ProxyEntry.js';

/** The metrics of one control API: toxiproxy's two byte counters, in their own registry. */
export interface ProxyMetrics {
  readonly registry: Registry;
  readonly counterFor: CounterFactory;
}

/**
 * Creates toxiproxy's proxy metrics (METRICS.md): `toxiproxy_proxy_received_bytes_total` and
 * `toxiproxy_proxy_sent_bytes_total`, labelled direction, proxy, listener and upstream. Each
 * server has its own registry, so two in one process do not mix.
 *
 * Example: `const metrics = createProxyMetrics(); await metrics.registry.metrics()`
 */
export function createProxyMetrics(): ProxyMetrics {
  const registry = new Registry();
  const labelNames = ['direction', 'proxy', 'listener', 'upstream'] as const;
  const received = new Counter({ name: 'toxiproxy_proxy_received_bytes_total', help: 'Bytes received by a proxy link in one direction', labelNames, registers: [registry] });
  const sent = new Counter({ name: 'toxiproxy_proxy_sent_bytes_total', help: 'Bytes sent by a proxy link in one direction', labelNames, registers: [registry] });
  const counterFor = (proxy: ProxyEntry) => ({
    count(direction: string, receivedBytes: number, sentBytes: number): void {
      const labels = { direction, proxy: proxy.name, listener: proxy.listen, upstream: proxy.upstream };
      if (receivedBytes > 0) received.inc(labels, receivedBytes);
      if (sentBytes > 0) sent.inc(labels, sentBytes);
    },
  });
  return { registry, counterFor };
}
