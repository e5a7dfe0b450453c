import type { LatencySummary } from './LatencyRecorder.js';

/** What one load run does. Every run is bounded by `requests` AND `seconds`, whichever comes first. */
export interface LoadOptions {
  readonly transport: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
  /** TCP connections (ignored on UDP, where the window is the number of sockets). */
  readonly connections: number;
  /** Requests in flight: per connection on TCP; in total on UDP (one socket per slot, one request each). */
  readonly window: number;
  /** The most requests to send. */
  readonly requests: number;
  /** The most seconds to send for; replies still in flight then get `timeoutMs` more. */
  readonly seconds: number;
  /** Requests per second to offer (open loop, paced every millisecond); 0 = as fast as replies come back (closed loop). */
  readonly rate: number;
  /** UDP: a reply later than this is lost. TCP: how long to wait for the last replies. */
  readonly timeoutMs: number;
  /** Called about every 250 ms with the number of verified replies so far. */
  readonly onProgress?: (completed: number) => void;
  /** The server's processes (its tree), whose CPU use over the run to report in `serverCpuPercent`. */
  readonly serverPids?: readonly number[];
}

/** Which load generator produced a result: the C program (bench/native/calcload.c) or the Node one. */
export type LoadGeneratorKind = 'native' | 'node';

/** What one load run measured. */
export interface LoadResult {
  readonly generator: LoadGeneratorKind;
  readonly transport: 'tcp' | 'udp';
  readonly connections: number;
  readonly window: number;
  readonly rate: number;
  /** Requests sent. */
  readonly sent: number;
  /** Replies received whose text was exactly the expected one. */
  readonly verified: number;
  /** Replies whose text was not the expected one. */
  readonly mismatches: number;
  /** UDP requests with no reply within `timeoutMs`. */
  readonly lost: number;
  /** UDP replies that arrived after their request was counted lost. */
  readonly late: number;
  /** TCP requests still unanswered when the run ended (the connection failed or the drain timed out). */
  readonly unanswered: number;
  /** Socket errors (connect failures, resets). */
  readonly errors: number;
  /** Seconds from the first request to the last reply. */
  readonly seconds: number;
  /** Verified replies per second. */
  readonly rps: number;
  /** Request-to-reply latency, µs. */
  readonly latency: LatencySummary;
  /** The load generator's own CPU use over the run, percent of one core (near 100: the generator, not the server, was the limit). */
  readonly loadCpuPercent: number;
  /**
   * Percent of the run the generator was runnable but waiting for a CPU (its core shared with
   * another process). CPU use plus this wait near 100: the generator was saturated.
   */
  readonly loadWaitPercent: number;
  /** The server's CPU use over the same window, percent of one core (summed over its processes), or null if not asked for. */
  readonly serverCpuPercent: number | null;
  /** Percent of the run the server's main thread waited for a CPU (its core was shared), or null if not asked for. */
  readonly serverWaitPercent: number | null;
  /** Open loop: the largest number of requests that were due but could not be sent (window full). */
  readonly maxBacklog: number;
}
