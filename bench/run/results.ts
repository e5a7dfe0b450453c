import type { ProxyBenchResult } from '../proxy/proxyBench.js';
import type { IdleResult } from '../load/idleTcp.js';
import type { LoadGeneratorKind, LoadResult } from '../load/LoadOptions.js';
import type { ServerKind } from './servers.js';

/** Why a run was load-bound: the generator could not offer more, or the server could not get its core. */
export type LoadBoundReason = 'generator saturated' | 'server core shared';

/** One load run against one server, with the server's own CPU and memory over the run. */
export interface RunSample extends LoadResult {
  /** Server CPU seconds (user + system, whole process tree) during the run. */
  readonly serverCpuSeconds: number;
  /** Server CPU microseconds per verified reply: the least noisy cost figure. */
  readonly cpuMicrosPerRequest: number;
  /** Server RSS after the run, KiB. */
  readonly serverRssKiB: number;
  /** UDP datagrams the kernel dropped machine-wide during the run for a full receive buffer (explains `lost`). */
  readonly udpReceiveDrops: number;
  /** Closed loop only: why the server was below 90% of its cores though it had work (see loadBoundReason); absent if it was not. */
  readonly loadBound: LoadBoundReason | undefined;
}

/** Medians over a scenario's runs for one server. */
export interface ServerSummary {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly cpuMicrosPerRequest: number;
  readonly serverRssKiB: number;
  /** The server's CPU use over the runs, percent of one core (summed over its processes). */
  readonly serverCpuPercent: number;
  /** Percent of the time the server's main thread waited for a CPU (its core was shared). */
  readonly serverWaitPercent: number;
  readonly loadCpuPercent: number;
  /** Percent of the time the generator waited for a CPU it wanted. */
  readonly loadWaitPercent: number;
  /** The server or the generator waited for a CPU 10% of the time or more: the machine was not quiet. */
  readonly contended: boolean;
  /** Sums over the runs. */
  readonly verified: number;
  readonly mismatches: number;
  readonly lost: number;
  readonly late: number;
  readonly errors: number;
  /** Runs that were load-bound (left out of the medians while the other runs are more than half). */
  readonly loadBoundRuns: number;
  /** True if half the runs or more were: then no ratio is quoted against or for this server. */
  readonly loadBound: boolean;
  readonly loadBoundReasons: LoadBoundReason[];
}

/** A server against the plain baseline, for each figure: the median of the runs' ratios, each run measuring the two back to back. */
export interface Ratios {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly cpuMicrosPerRequest: number;
}

/** A figure of the shared-core rounds: the median of the rounds' rxnet/plain ratios, and their range. */
export interface RatioSpread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One shared-core round: fresh rxnet and plain servers, pinned to the same core, loaded at the same time. */
export interface SharedCoreRound {
  readonly rxnet: RunSample;
  /** The baseline's sample: plain Node, or for UDP plain Node with rxnet's receive buffer. */
  readonly plain: RunSample;
  /**
   * The two servers together used at least 90% of their shared core: they, not the generators,
   * set the pace. Only a busy round counts towards the throughput ratio.
   */
  readonly coreBusy: boolean;
}

/**
 * rxnet against plain with both loaded at once on one shared core (see sharedCore.ts): each
 * instant of the machine's speed is shared by both, so the ratio does not carry the VM's speed
 * swings that separate two back-to-back runs.
 */
export interface SharedCoreResult {
  /** The server rxnet shared its core with (the scenario's `sharedCore`). */
  readonly baseline: ServerKind;
  readonly rounds: SharedCoreRound[];
  /** Throughput over the busy rounds; null when fewer than half were busy (then no ratio is quoted). */
  readonly rps: RatioSpread | null;
  /** Latency over every round. */
  readonly p50: RatioSpread;
  readonly p99: RatioSpread;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly transport: 'tcp' | 'udp';
  readonly connections: number;
  readonly window: number;
  /** Offered requests/s (open loop), or 0 for closed loop. */
  readonly rate: number;
  /** The servers run, in table order. */
  readonly servers: readonly ServerKind[];
  readonly runs: Partial<Record<ServerKind, RunSample[]>>;
  readonly median: Partial<Record<ServerKind, ServerSummary>>;
  /** Each server but plain against plain; null where either was load-bound (no ratio is quoted then). */
  readonly ratios: Partial<Record<ServerKind, Ratios | null>>;
  /** True when any server's runs were load-bound. */
  readonly loadBound: boolean;
  /** The shared-core rounds of a scenario that has them (not run with --shared-rounds 0). */
  readonly sharedCore?: SharedCoreResult | undefined;
}

export interface IdleScenarioResult {
  readonly connections: number;
  readonly runs: Partial<Record<ServerKind, IdleResult[]>>;
  /** Median bytes of server RSS per idle connection. */
  readonly bytesPerConnection: Partial<Record<ServerKind, number>>;
  /** rxnet's / plain's. */
  readonly ratio: number;
}

/** Which load generator measured the throughput scenarios, and why, if not the native one. */
export interface GeneratorInfo {
  readonly kind: LoadGeneratorKind;
  /** Why the Node generator was used (no C compiler, a failed build, --node-load). */
  readonly fallbackReason?: string;
}

/** One of issue 12's targets, checked against the medians. */
export interface TargetCheck {
  readonly name: string;
  readonly goal: string;
  readonly measured: string;
  /** undefined when not measured in this run; false when load-bound (not measured either, but never "met"). */
  readonly met: boolean | undefined;
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly totalMemoryMiB: number;
  readonly taskset: boolean;
  readonly fdLimit: number | undefined;
}

export interface BenchSettings {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly runs: number;
  readonly idleConnections: number;
  readonly workers: number;
  readonly serverCpus: string | undefined;
  readonly loadCpus: string | undefined;
  readonly profileDir: string | undefined;
  /** Another checkout run as "rxnet", if not this repository. */
  readonly rxnetRoot: string | undefined;
  /** Another checkout run in the plain baseline's place, if any. */
  readonly compareRoot: string | undefined;
  /** rxnet ran with `--metrics-port 0` (its Prometheus endpoint on; the issue-15 targets hold with metrics on). Absent in reports before it. */
  readonly metrics?: boolean;
  /** Each run after a scenario's first was on fresh server processes, each warmed up (not --same-servers). Absent in reports before it. */
  readonly freshServers?: boolean;
  /** Shared-core rounds per scenario that has them (0: none). Absent in reports before it. */
  readonly sharedRounds?: number;
}

/** Everything `npm run bench` measured: written to bench/results/latest.json. */
export interface BenchReport {
  readonly machine: MachineInfo;
  readonly settings: BenchSettings;
  readonly generator: GeneratorInfo;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly scenarios: ScenarioResult[];
  readonly idle: IdleScenarioResult | undefined;
  /** The impairment proxy against a plain `net` pipe proxy, when run (issue 14). */
  readonly proxy?: ProxyBenchResult | undefined;
  readonly targets: TargetCheck[];
  /** The machine's 1-minute load average when the run started and ended: above ~1 on this 2-core machine, other work competed with the bench. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  /** How each server process ended when stopped (`0` is a clean exit). */
  readonly exits: string[];
}
