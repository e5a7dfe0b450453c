import { Histogram, type Registry } from 'prom-client';

/**
 * The upper bounds of the latency buckets, in seconds: 5 µs to 2.5 s in 1-2.5-5 steps, so a fused
 * read's replies (tens of µs) and a slow pipeline's (ms to s) both land in buckets of their own.
 * Above the last one is `+Inf`.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
].map((micros) => micros / 1e6);

/** Where latency samples come from: a ServerStats (`observeLatency`), or anything that hands out samples in µs. */
export interface LatencySource {
  /** Calls `observer` with each sample, in µs, until the returned function is called. */
  observeLatency(observer: (micros: number) => void): () => void;
}

/** Options of {@link latencyHistogram}. */
export interface LatencyHistogramOptions {
  readonly registry: Registry;
  /** The series name, e.g. `rxnet_reply_latency_seconds`. */
  readonly name: string;
  readonly help: string;
  /** Labels of every sample, e.g. `{ transport: 'tcp' }`. */
  readonly labels: Readonly<Record<string, string>>;
  /** The samples to observe. */
  readonly source: LatencySource;
  /** Bucket upper bounds in seconds. Defaults to {@link LATENCY_BUCKETS_SECONDS}. */
  readonly buckets?: readonly number[];
}

/**
 * Registers a prom-client `Histogram` (seconds: `_bucket{le}`, `_sum`, `_count`) in `registry`
 * and observes each of the source's samples into it, converted from µs, from now on: one
 * `observe` per sample (per read on the servers' fused path, not per reply). Its series exist,
 * at zero, before the first sample. prom-client formats it, and sums it across `--workers`.
 * Returns the histogram; it observes for as long as the source lives (the server's stats).
 *
 * Example: `latencyHistogram({ registry, name: 'rxnet_reply_latency_seconds', help, labels: { transport: 'tcp' }, source: stats })`
 *
 * @see counterMetrics
 */
export function latencyHistogram(options: LatencyHistogramOptions): Histogram {
  const histogram = new Histogram({
    name: options.name,
    help: options.help,
    labelNames: Object.keys(options.labels),
    buckets: [...(options.buckets ?? LATENCY_BUCKETS_SECONDS)],
    registers: [options.registry],
  });
  histogram.zero(options.labels);
  // Labels bound once: each sample skips their validation.
  const labelled = histogram.labels(options.labels);
  options.source.observeLatency((micros) => labelled.observe(micros / 1e6));
  return histogram;
}
