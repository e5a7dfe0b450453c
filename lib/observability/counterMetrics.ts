import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { latencyHistogram, type LatencySource } from './latencyHistogram.js';

/** The counters a server keeps (a ServerStatsSnapshot has them all). */
export interface ServedCounters {
  readonly requests: number;
  readonly replies: number;
  readonly dropped: number;
  readonly invalid: number;
  readonly errors: number;
  readonly refusedConnections: number;
  readonly rateLimited: number;
  readonly openConnections: number;
  /** Requests read and not yet answered or dropped. */
  readonly inFlight: number;
}

/** Options of {@link counterMetrics}. */
export interface CounterMetricsOptions {
  /** The `transport` label of every series (`tcp`, `udp`, `tls`, `unix`). */
  readonly transport: string;
  /** Reads the counters now; called at each scrape, so the metrics and the stats share one source. */
  readonly read: () => ServedCounters;
  /**
   * The latency samples (a server's stats, a RunningServer): each one is observed into the
   * `<prefix>reply_latency_seconds` histogram as it comes. Without it there is no histogram.
   */
  readonly latency?: LatencySource;
  /** Series name prefix. Defaults to `rxnet_`. */
  readonly prefix?: string;
  /** Adds prom-client's default process metrics (CPU, memory, event-loop lag...). Defaults to true. */
  readonly processMetrics?: boolean;
}

/** prom-client's default gauges whose names end in `_total`. */
const MISNAMED_DEFAULT_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** The counter series: name (without prefix and `_total`), help, and where its value is read. */
const COUNTERS: ReadonlyArray<readonly [string, string, (c: ServedCounters) => number]> = [
  ['requests', 'Requests read', (c) => c.requests],
  ['replies', 'Replies sent', (c) => c.replies],
  ['dropped', 'Requests not answered by a configured drop (--success) or a cut', (c) => c.dropped],
  ['invalid', 'Requests answered as invalid', (c) => c.invalid],
  ['errors', 'Connections or datagrams that failed', (c) => c.errors],
  ['refused_connections', 'Connections closed on arrival because the limit was reached', (c) => c.refusedConnections],
  ['rate_limited', 'UDP datagrams not answered because their source was over its rate', (c) => c.rateLimited],
];

/** The gauge series: name (without prefix), help, and where its value is read. */
const GAUGES: ReadonlyArray<readonly [string, string, (c: ServedCounters) => number]> = [
  ['open_connections', 'Stream connections open now', (c) => c.openConnections],
  ['in_flight_requests', 'Requests read and not yet answered or dropped', (c) => c.inFlight],
];

/**
 * A prom-client Registry whose series are read from one source of counters at each scrape, so
 * `--stats` and the metrics never disagree: `<prefix><name>_total` counters labelled by
 * transport, the `<prefix>open_connections` and `<prefix>in_flight_requests` gauges, and the
 * default process metrics. With `latency`, also the `<prefix>reply_latency_seconds` histogram
 * (buckets 5 µs to 2.5 s), fed the same samples as the stats' percentiles. The exposition
 * format is prom-client's.
 *
 * Example: `const registry = counterMetrics({ transport: 'tcp', read: () => server.snapshot(), latency: server }); await registry.metrics()`
 *
 * @see serveMetrics
 */
export function counterMetrics(options: CounterMetricsOptions): Registry {
  const registry = new Registry();
  const prefix = options.prefix ?? 'rxnet_';
  const labels = { transport: options.transport };
  for (const [name, help, value] of COUNTERS) {
    new Counter({
      name: `${prefix}${name}_total`,
      help,
      labelNames: ['transport'],
      registers: [registry],
      collect() {
        // Read at scrape time: reset, then set to the source's value (a counter only rises there).
        this.reset();
        this.inc(labels, value(options.read()));
      },
    });
  }
  for (const [name, help, value] of GAUGES) {
    new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames: ['transport'],
      registers: [registry],
      collect() {
        this.set(labels, value(options.read()));
      },
    });
  }
  if (options.latency !== undefined) {
    latencyHistogram({
      registry,
      name: `${prefix}reply_latency_seconds`,
      help: 'Time from reading requests to sending their replies: one sample per timed read, however many replies it had (UDP times 1 datagram in 64)',
      labels,
      source: options.latency,
    });
  }
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix });
    // prom-client names three of its gauges `_total`, which promtool rejects (only a counter may
    // end so): leave them out rather than serve an exposition the standard checker fails.
    for (const gauge of MISNAMED_DEFAULT_GAUGES) registry.removeSingleMetric(`${prefix}${gauge}`);
  }
  return registry;
}
