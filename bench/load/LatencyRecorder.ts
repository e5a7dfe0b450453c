/** Latency percentiles, in microseconds. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * Records latencies (µs) into a preallocated array, up to `capacity` samples (the load is
 * bounded by a request count, so the capacity is that count); percentiles are exact (nearest
 * rank over all samples).
 *
 * Example:
 * ```ts
 * const latencies = new LatencyRecorder(1000);
 * latencies.record(42.5);
 * latencies.summary().p99;   // 42.5
 * ```
 */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private count = 0;

  /** @param capacity the most samples kept; later ones are ignored (and counted in `dropped`). */
  constructor(capacity: number) {
    this.samples = new Float64Array(Math.max(1, capacity));
  }

  /** Samples past the capacity, not recorded. */
  dropped = 0;

  /** Adds one latency, in µs. */
  record(micros: number): void {
    if (this.count < this.samples.length) this.samples[this.count++] = micros;
    else this.dropped += 1;
  }

  /** Percentiles over every recorded sample (zeros when there is none). */
  summary(): LatencySummary {
    const n = this.count;
    if (n === 0) return { samples: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    const sorted = this.samples.slice(0, n).sort();
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += sorted[i] as number;
    const at = (q: number): number => round(sorted[Math.min(n - 1, Math.ceil(q * n) - 1)] as number);
    return { samples: n, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: round(sorted[n - 1] as number), mean: round(sum / n) };
  }
}

function round(micros: number): number {
  return Math.round(micros * 10) / 10;
}
