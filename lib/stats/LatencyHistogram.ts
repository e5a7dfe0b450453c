/** Buckets per doubling of latency: 8 gives percentiles within about 9%. */
const BUCKETS_PER_DOUBLING = 8;
/** Covers 1 µs to about 2^32 µs (over an hour); longer latencies land in the last bucket. */
const BUCKET_COUNT = 32 * BUCKETS_PER_DOUBLING;

/**
 * A fixed-size log-scale histogram of latencies in microseconds: constant memory, O(1) record,
 * percentiles accurate to about 9%. Pure; no clock of its own.
 *
 * Example:
 * ```ts
 * const h = new LatencyHistogram();
 * h.record(120); h.record(80);
 * h.percentile(0.5); // about 80
 * ```
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private total = 0;

  /** The number of latencies recorded. */
  get count(): number {
    return this.total;
  }

  /** Records one latency, in microseconds; `times` records it that many times (a batch's replies). */
  record(micros: number, times = 1): void {
    const bucket = micros <= 1 ? 0 : Math.min(BUCKET_COUNT - 1, Math.floor(Math.log2(micros) * BUCKETS_PER_DOUBLING));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + times;
    this.total += times;
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
}
