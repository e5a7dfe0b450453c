import type { IdleResult } from '../load/idleTcp.js';
import type { LoadResult } from '../load/LoadOptions.js';
import type { ServerKind } from './servers.js';

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
}

/** Medians over a scenario's runs for one server. */
export interface ServerSummary {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly cpuMicrosPerRequest: number;
  readonly serverRssKiB: number;
  readonly loadCpuPercent: number;
  /** Sums over the runs. */
  readonly verified: number;
  readonly mismatches: number;
  readonly lost: number;
  readonly errors: number;
}

/** rxnet / baseline of each median. */
export interface Ratios {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly cpuMicrosPerRequest: number;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly transport: 'tcp' | 'udp';
  readonly connections: number;
  readonly window: number;
  /** Offered requests/s (open loop), or 0 for closed loop. */
  readonly rate: number;
  readonly runs: Record<ServerKind, RunSample[]>;
  readonly median: Record<ServerKind, ServerSummary>;
  readonly ratio: Ratios;
}

export interface IdleScenarioResult {
  readonly connections: number;
  readonly runs: Record<ServerKind, IdleResult[]>;
  /** Median bytes of server RSS per idle connection. */
  readonly bytesPerConnection: Record<ServerKind, number>;
  /** rxnet's minus the baseline's. */
  readonly extraBytesPerConnection: number;
}

/** One of issue 6's targets, checked against the medians. */
export interface TargetCheck {
  readonly name: string;
  readonly goal: string;
  readonly measured: string;
  /** undefined when not measured in this run. */
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
  /** Another checkout run in the baseline's place, if any. */
  readonly compareRoot: string | undefined;
}

/** Everything `npm run bench` measured: written to bench/results/latest.json. */
export interface BenchReport {
  readonly machine: MachineInfo;
  readonly settings: BenchSettings;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly scenarios: ScenarioResult[];
  readonly idle: IdleScenarioResult | undefined;
  readonly targets: TargetCheck[];
  /** The machine's 1-minute load average when the run started and ended: above ~1 on this 2-core machine, other work competed with the bench. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  /** How each server process ended when stopped (`0` is a clean exit). */
  readonly exits: string[];
}
