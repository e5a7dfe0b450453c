import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

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
  /**
   * Request-to-reply latency percentiles, in microseconds (0 before the first sample), over the
   * latency samples: one per timed read on a stream (the fused path times 1 read in 64; the time its replies took, however
   * many there were), one per timed datagram (UDP's fast path times 1 in 64). Within 1%.
   */
  readonly latencyMicros: { readonly p50: number; readonly p99: number; readonly p999: number };
}

/** Receives each latency sample, in microseconds (see {@link ServerStats.observeLatency}). */
export type LatencyObserver = (micros: number) => void;

/** The largest latency kept apart, in µs (about 71 minutes); longer ones are recorded as this. */
const HIGHEST_MICROS = 2 ** 32;

/**
 * The mutable counters behind a server's stats. Internal to lib/server.
 *
 * Latency is sampled, not weighted: a read answered at once (the fused path, up to hundreds of
 * replies) is one sample of the time its replies took, recorded in a perf_hooks histogram
 * (HdrHistogram, 2 significant figures) and handed to each latency observer (the metrics'
 * prom-client histogram), so the cost is per read, not per reply.
 *
 * Example: `const stats = new ServerStats(); stats.repliedMany(32, 40); stats.snapshot().latencyMicros.p50 // 40`
 */
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
  /** The latency samples, in whole µs (at least 1): perf_hooks' RecordableHistogram (count, min, max, mean, percentiles). */
  readonly latency: RecordableHistogram = createHistogram({ lowest: 1, highest: HIGHEST_MICROS, figures: 2 });
  /** What each connection (or socket) holding requests across reads says it holds. */
  private readonly inFlightProbes = new Set<() => number>();
  /** Replaced, never mutated, on attach and detach: a sample iterates a stable array (empty: no work). */
  private latencyObservers: readonly LatencyObserver[] = [];

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

  /**
   * Calls `observer` with each latency sample from now on (µs, as measured: not rounded), until
   * the returned function is called. With none attached a sample costs nothing more.
   *
   * Example: `const detach = stats.observeLatency((micros) => histogram.observe(micros / 1e6))`
   */
  observeLatency(observer: LatencyObserver): () => void {
    // A wrapper of its own: the same observer attached twice is two entries, each detached alone.
    const entry: LatencyObserver = (micros) => observer(micros);
    this.latencyObservers = [...this.latencyObservers, entry];
    return () => void (this.latencyObservers = this.latencyObservers.filter((o) => o !== entry));
  }

  /** Records a reply sent `micros` after its request arrived: one latency sample. */
  replied(micros: number): void {
    this.replies += 1;
    this.sample(micros);
  }

  /** Records `count` replies sent together, `micros` after their requests were read: one latency sample for all. */
  repliedMany(count: number, micros: number): void {
    this.replies += count;
    this.sample(micros);
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
        p50: this.latency.percentile(50),
        p99: this.latency.percentile(99),
        p999: this.latency.percentile(99.9),
      },
    };
  }

  private sample(micros: number): void {
    // RecordableHistogram takes whole numbers in [lowest, highest] (it drops larger ones silently).
    this.latency.record(micros >= HIGHEST_MICROS ? HIGHEST_MICROS : micros > 1 ? Math.round(micros) : 1);
    for (const observer of this.latencyObservers) observer(micros);
  }
}
