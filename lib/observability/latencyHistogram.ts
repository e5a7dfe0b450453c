import type { Histogram, Registry } from 'prom-client';

/** Cumulative latency counts at fixed bounds, in µs (a LatencyHistogram's `buckets()`). */
export interface LatencyBucketCounts {
  /** The upper bounds, in µs, ascending. */
  readonly boundsMicros: readonly number[];
  /** `cumulative[i]`: latencies at or under `boundsMicros[i]`. */
  readonly cumulative: readonly number[];
  /** Every latency (the `+Inf` bucket). */
  readonly count: number;
  /** Their sum, in µs. */
  readonly sumMicros: number;
}

/** Options of {@link latencyHistogram}. */
export interface LatencyHistogramOptions {
  readonly registry: Registry;
  /** The series name, e.g. `rxnet_reply_latency_seconds`. */
  readonly name: string;
  readonly help: string;
  /** Labels of every sample, e.g. `{ transport: 'tcp' }`. */
  readonly labels: Readonly<Record<string, string>>;
  /** Reads the counts now (at each scrape). */
  readonly read: () => LatencyBucketCounts;
}

/** One sample of a histogram as prom-client's registries pass it on (`get()`, and the cluster's JSON). */
interface Sample {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/**
 * Registers a Prometheus histogram (in seconds: `_bucket{le}`, `_sum`, `_count`) that is a view of
 * counts kept elsewhere, read at each scrape: the server records a latency with a weight (a
 * batch's replies) once per read, which prom-client's `Histogram#observe` cannot (one call per
 * value). prom-client formats and aggregates it (`aggregator: 'sum'` across `--workers`) like
 * its own histograms.
 *
 * Example: `latencyHistogram({ registry, name: 'rxnet_reply_latency_seconds', help, labels: { transport: 'tcp' }, read: () => stats.latency.buckets() })`
 *
 * @see counterMetrics
 */
export function latencyHistogram(options: LatencyHistogramOptions): void {
  const { name, labels } = options;
  const view = {
    name,
    help: options.help,
    type: 'histogram',
    aggregator: 'sum',
    get: () => {
      const counts = options.read();
      const values: Sample[] = counts.boundsMicros.map((micros, i) => ({
        metricName: `${name}_bucket`,
        labels: { ...labels, le: micros / 1e6 },
        value: counts.cumulative[i] ?? 0,
      }));
      values.push(
        { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: counts.count },
        { metricName: `${name}_sum`, labels, value: counts.sumMicros / 1e6 },
        { metricName: `${name}_count`, labels, value: counts.count },
      );
      return Promise.resolve({ name, help: options.help, type: 'histogram', aggregator: 'sum', values });
    },
  };
  // A plain metric object, as prom-client's AggregatorRegistry.aggregate registers its own: the
  // registry only calls `get()` and reads name, help, type and aggregator. Its type names the
  // four metric classes, hence the cast.
  options.registry.registerMetric(view as unknown as Histogram);
}
