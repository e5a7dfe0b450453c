import type { IdleResult } from '../load/idleTcp.js';
import { median } from './median.js';
import type { IdleScenarioResult, Ratios, RunSample, ScenarioResult, ServerSummary, TargetCheck } from './results.js';
import type { Scenario } from './scenarios.js';
import type { ServerKind } from './servers.js';

/** Medians over runs for one server. Usage: `summarizeRuns(samples).rps`. */
export function summarizeRuns(samples: readonly RunSample[]): ServerSummary {
  const m = (f: (s: RunSample) => number): number => median(samples.map(f));
  const sum = (f: (s: RunSample) => number): number => samples.reduce((total, s) => total + f(s), 0);
  return {
    rps: Math.round(m((s) => s.rps)),
    p50: m((s) => s.latency.p50),
    p99: m((s) => s.latency.p99),
    p999: m((s) => s.latency.p999),
    cpuMicrosPerRequest: round(m((s) => s.cpuMicrosPerRequest), 2),
    serverRssKiB: Math.round(m((s) => s.serverRssKiB)),
    loadCpuPercent: Math.round(m((s) => s.loadCpuPercent)),
    verified: sum((s) => s.verified),
    mismatches: sum((s) => s.mismatches),
    lost: sum((s) => s.lost),
    errors: sum((s) => s.errors + s.unanswered),
  };
}

/** A scenario's result from its samples. */
export function scenarioResult(scenario: Scenario, rate: number, runs: Record<ServerKind, RunSample[]>): ScenarioResult {
  const rx = summarizeRuns(runs.rxnet);
  const base = summarizeRuns(runs.baseline);
  const ratio: Ratios = {
    rps: round(rx.rps / base.rps, 3),
    p50: round(rx.p50 / base.p50, 3),
    p99: round(rx.p99 / base.p99, 3),
    p999: round(rx.p999 / base.p999, 3),
    cpuMicrosPerRequest: round(rx.cpuMicrosPerRequest / base.cpuMicrosPerRequest, 3),
  };
  const { id, title, transport, connections, window } = scenario;
  return { id, title, transport, connections, window, rate, runs, median: { rxnet: rx, baseline: base }, ratio };
}

/** The idle-connections result from its runs. */
export function idleResult(connections: number, runs: Record<ServerKind, IdleResult[]>): IdleScenarioResult {
  const perConnection = (kind: ServerKind): number => Math.round(median(runs[kind].map((r) => r.bytesPerConnection)));
  const bytesPerConnection = { rxnet: perConnection('rxnet'), baseline: perConnection('baseline') };
  return { connections, runs, bytesPerConnection, extraBytesPerConnection: bytesPerConnection.rxnet - bytesPerConnection.baseline };
}

/** Issue 6's targets against this run's medians. */
export function checkTargets(scenarios: readonly ScenarioResult[], idle: IdleScenarioResult | undefined): TargetCheck[] {
  const find = (id: string): ScenarioResult | undefined => scenarios.find((s) => s.id === id);
  const ratioTarget = (name: string, id: string, pick: (r: Ratios) => number, goal: number, atLeast: boolean): TargetCheck => {
    const scenario = find(id);
    if (scenario === undefined) return { name, goal: `${atLeast ? '>=' : '<='} ${goal.toFixed(2)}x`, measured: 'not run', met: undefined };
    const value = pick(scenario.ratio);
    return { name, goal: `${atLeast ? '>=' : '<='} ${goal.toFixed(2)}x`, measured: `${value.toFixed(2)}x`, met: atLeast ? value >= goal : value <= goal };
  };
  return [
    ratioTarget('TCP pipelined throughput (64 conns x 32)', 'tcp-c64-w32', (r) => r.rps, 0.8, true),
    ratioTarget('UDP throughput (window 32)', 'udp-w32', (r) => r.rps, 0.8, true),
    ratioTarget('UDP throughput (window 1)', 'udp-w1', (r) => r.rps, 0.8, true),
    ratioTarget('TCP p99 at the same load (64x32 at 50%)', 'tcp-half-load', (r) => r.p99, 1.5, false),
    ratioTarget('UDP p99 at the same load (50% of w32)', 'udp-half-load', (r) => r.p99, 1.5, false),
    ratioTarget('TCP p99, 1 conn window 1', 'tcp-c1-w1', (r) => r.p99, 1.5, false),
    ratioTarget('UDP p99, window 1', 'udp-w1', (r) => r.p99, 1.5, false),
    idle === undefined
      ? { name: 'RSS per idle TCP connection beyond baseline', goal: '<= 10240 B', measured: 'not run', met: undefined }
      : {
          name: 'RSS per idle TCP connection beyond baseline',
          goal: '<= 10240 B',
          measured: `${idle.extraBytesPerConnection} B`,
          met: idle.extraBytesPerConnection <= 10240,
        },
  ];
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
