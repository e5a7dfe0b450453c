/** Buckets per doubling of latency: 8 gives percentiles within about 9%. */
const BUCKETS_PER_DOUBLING = 8;
/** Covers 1 µs to about 2^32 µs (over an hour); longer latencies land in the last bucket. */
const BUCKET_COUNT = 32 * BUCKETS_PER_DOUBLING;

/**
 * The upper bounds, in µs, of the buckets counted exactly for Prometheus (`le`): 5 µs to 2.5 s
 * in 1-2.5-5 steps, so a fused read's replies (tens of µs) and a slow pipeline's (ms to s) both
 * land in buckets of their own. Above the last one is `+Inf`.
 */
export const LATENCY_BUCKET_BOUNDS_MICROS: readonly number[] = [
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
];

/** A histogram's Prometheus view: cumulative counts at each bound, as a Prometheus histogram exposes them. */
export interface LatencyBuckets {
  /** The upper bounds, in µs (LATENCY_BUCKET_BOUNDS_MICROS). */
  readonly boundsMicros: readonly number[];
  /** `cumulative[i]`: latencies recorded at or under `boundsMicros[i]`. */
  readonly cumulative: readonly number[];
  /** Every latency recorded (the `+Inf` bucket). */
  readonly count: number;
  /** The sum of the latencies recorded, in µs. */
  readonly sumMicros: number;
}

/**
 * A fixed-size histogram of latencies in microseconds: constant memory, O(1) record of a latency
 * with a weight (one sample for a batch of replies), percentiles accurate to about 9% from
 * log-scale buckets, and exact Prometheus bucket counts. Pure; no clock of its own.
 *
 * Not perf_hooks' RecordableHistogram: its `record(value)` takes no count, so a batch of 32
 * replies would cost 32 calls where this costs one (the servers record once per read).
 *
 * Example:
 * ```ts
 * const h = new LatencyHistogram();
 * h.record(120); h.record(80, 3);
 * h.percentile(0.5); // about 80
 * h.buckets().cumulative[4]; // 3: at or under 100 µs
 * ```
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private readonly bounded = new Float64Array(LATENCY_BUCKET_BOUNDS_MICROS.length + 1);
  private total = 0;
  private sum = 0;

  /** The number of latencies recorded. */
  get count(): number {
    return this.total;
  }

  /** Records one latency, in microseconds; `times` records it that many times (a batch's replies). */
  record(micros: number, times = 1): void {
    const bucket = micros <= 1 ? 0 : Math.min(BUCKET_COUNT - 1, Math.floor(Math.log2(micros) * BUCKETS_PER_DOUBLING));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + times;
    // Most latencies are under the first few bounds: a scan of a few comparisons, once per record.
    let bound = 0;
    while (bound < LATENCY_BUCKET_BOUNDS_MICROS.length && micros > (LATENCY_BUCKET_BOUNDS_MICROS[bound] ?? 0)) bound += 1;
    this.bounded[bound] = (this.bounded[bound] ?? 0) + times;
    this.total += times;
    this.sum += micros * times;
  }

  /** The latency under which a fraction `q` (0-1) of the recorded ones fall, in µs (the bucket's upper bound); 0 when empty. */
  percentile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      seen += this.counts[bucket] ?? 0;
      if (seen >= rank) return Math.round(2 ** ((bucket + 1) / BUCKETS_PER_DOUBLING));
    }
    return Math.round(2 ** (BUCKET_COUNT / BUCKETS_PER_DOUBLING));
  }

  /** The Prometheus view: cumulative counts at LATENCY_BUCKET_BOUNDS_MICROS, the count and the sum. */
  buckets(): LatencyBuckets {
    let seen = 0;
    const cumulative = LATENCY_BUCKET_BOUNDS_MICROS.map((_, i) => (seen += this.bounded[i] ?? 0));
    return { boundsMicros: LATENCY_BUCKET_BOUNDS_MICROS, cumulative, count: this.total, sumMicros: this.sum };
  }
}
