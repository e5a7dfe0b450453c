import { LatencyHistogram, type LatencyBuckets } from '../stats/LatencyHistogram.js';

/** A snapshot of a server's counters since it started. */
export interface ServerStatsSnapshot {
  /** Requests received (framed lines or datagrams). */
  readonly requests: number;
  /** Replies sent. */
  readonly replies: number;
  /** Requests the protocol judged invalid: the pipeline counts them (calcPipeline: each `300,-1` reply, a bad request or an arithmetic error). */
  readonly invalid: number;
  /** Requests left unanswered by the configured random drop (on TCP: the request that cut the connection; what followed it is never read). */
  readonly dropped: number;
  /** UDP requests not answered because their source was over its rate. */
  readonly rateLimited: number;
  /** Connection or socket errors (ECONNRESET, a failing pipeline...). */
  readonly errors: number;
  /** TCP connections open now (served: for TLS, past their handshake). */
  readonly openConnections: number;
  /** TLS connections in their handshake now (they count against `maxConnections` too). */
  readonly handshakingConnections: number;
  /** TCP connections refused because `maxConnections` were open. */
  readonly refusedConnections: number;
  /** Requests read and not yet answered or dropped, now (only a pipeline that is not fused holds any between reads). */
  readonly inFlight: number;
  /** Request-to-reply latency percentiles, in microseconds. */
  readonly latencyMicros: { readonly p50: number; readonly p99: number; readonly p999: number };
  /** The same latencies in Prometheus buckets (µs), for the metrics' histogram. */
  readonly latency: LatencyBuckets;
}

/** The mutable counters behind a server's stats. Internal to lib/server. */
export class ServerStats {
  requests = 0;
  replies = 0;
  invalid = 0;
  dropped = 0;
  rateLimited = 0;
  errors = 0;
  openConnections = 0;
  handshakingConnections = 0;
  refusedConnections = 0;
  readonly latency = new LatencyHistogram();
  /** What each connection (or socket) holding requests across reads says it holds. */
  private readonly inFlightProbes = new Set<() => number>();

  /**
   * Counts `probe()` (its requests read and not yet answered or dropped) in {@link inFlight}
   * until the returned function is called. Per connection, not per request: the count is read
   * at a snapshot, so the hot path does no work for it.
   */
  trackInFlight(probe: () => number): () => void {
    this.inFlightProbes.add(probe);
    return () => void this.inFlightProbes.delete(probe);
  }

  /** Requests read and not yet answered or dropped, summed over the tracked connections now. */
  get inFlight(): number {
    let count = 0;
    for (const probe of this.inFlightProbes) count += probe();
    return count;
  }

  /** Records a reply sent `micros` after its request arrived. */
  replied(micros: number): void {
    this.replies += 1;
    this.latency.record(micros);
  }

  /** Records `count` replies sent together, `micros` after their requests were read (one sample for all). */
  repliedMany(count: number, micros: number): void {
    this.replies += count;
    this.latency.record(micros, count);
  }

  /** A copy of the counters as they are now. */
  snapshot(): ServerStatsSnapshot {
    return {
      requests: this.requests,
      replies: this.replies,
      invalid: this.invalid,
      dropped: this.dropped,
      rateLimited: this.rateLimited,
      errors: this.errors,
      openConnections: this.openConnections,
      handshakingConnections: this.handshakingConnections,
      refusedConnections: this.refusedConnections,
      inFlight: this.inFlight,
      latencyMicros: {
        p50: this.latency.percentile(0.5),
        p99: this.latency.percentile(0.99),
        p999: this.latency.percentile(0.999),
      },
      latency: this.latency.buckets(),
    };
  }
}
