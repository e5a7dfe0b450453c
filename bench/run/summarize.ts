import type { IdleResult } from '../load/idleTcp.js';
import type { LoadResult } from '../load/LoadOptions.js';
import { median } from './median.js';
import type { IdleScenarioResult, LoadBoundReason, Ratios, RatioSpread, RunSample, ScenarioResult, ServerSummary, SharedCoreResult, SharedCoreRound, TargetCheck } from './results.js';
import type { Scenario } from './scenarios.js';
import { SERVER_LABELS, YARDSTICK, type ServerKind } from './servers.js';

/** The threshold of the load-bound rule, percent of a core. */
export const LOAD_BOUND_PERCENT = 90;

/**
 * A server or generator that waited for a CPU this much of a run shared its core with other
 * work: the run is marked "contended" (its ratio is still quoted, but the machine was not quiet).
 */
export const CONTENDED_WAIT_PERCENT = 10;

/**
 * The load-bound rule: a closed-loop run where the server used less than 90% of its cores
 * while either the load generator was saturated (its CPU use plus the time it waited for a CPU
 * reached 90% of the run) or the server itself wanted more CPU than it got (its CPU use plus its
 * wait for a CPU reached 90%: its core was shared, with the generator when both are pinned to
 * one core, or with anything else running). Such a run measured the generator or the machine,
 * not the server: no ratio is quoted from it. A server under 90% with neither is waiting for
 * round trips (one request in flight), which is what such a scenario measures.
 *
 * Example: `loadBoundReason({ rate: 0, serverCpuPercent: 55, serverWaitPercent: 2, loadCpuPercent: 60, loadWaitPercent: 38 }, 1)` is `'generator saturated'`.
 *
 * @param serverCores the cores the server may use (its workers, at most the machine's cores).
 */
export function loadBoundReason(
  run: Pick<LoadResult, 'rate' | 'serverCpuPercent' | 'serverWaitPercent' | 'loadCpuPercent' | 'loadWaitPercent'>,
  serverCores: number,
): LoadBoundReason | undefined {
  if (run.rate > 0 || run.serverCpuPercent === null) return undefined;
  const threshold = LOAD_BOUND_PERCENT * serverCores;
  if (run.serverCpuPercent >= threshold) return undefined;
  if (run.loadCpuPercent + run.loadWaitPercent >= LOAD_BOUND_PERCENT) return 'generator saturated';
  if (run.serverCpuPercent + (run.serverWaitPercent ?? 0) >= threshold) return 'server core shared';
  return undefined;
}

/** A server's runs are load-bound, as a whole, once half of them or more are. */
function isLoadBound(samples: readonly RunSample[]): boolean {
  const loadBoundRuns = samples.filter((s) => s.loadBound !== undefined).length;
  return loadBoundRuns > 0 && loadBoundRuns * 2 >= samples.length;
}

/**
 * Medians over runs for one server. A load-bound run measured the generator or the machine, so
 * the medians are taken over the other runs when they are more than half of them (the load-bound
 * ones are counted and named, and left out); otherwise the server is load-bound and no ratio is
 * quoted for it or against it. Sums (replies verified, lost...) cover every run.
 * Usage: `summarizeRuns(samples).rps`.
 */
export function summarizeRuns(samples: readonly RunSample[]): ServerSummary {
  const clean = samples.filter((s) => s.loadBound === undefined);
  const loadBoundRuns = samples.length - clean.length;
  const loadBound = isLoadBound(samples);
  const measured = loadBound || clean.length === 0 ? samples : clean;
  const m = (f: (s: RunSample) => number): number => median(measured.map(f));
  const sum = (f: (s: RunSample) => number): number => samples.reduce((total, s) => total + f(s), 0);
  const serverWaitPercent = Math.round(m((s) => s.serverWaitPercent ?? Number.NaN));
  const loadWaitPercent = Math.round(m((s) => s.loadWaitPercent));
  return {
    rps: Math.round(m((s) => s.rps)),
    p50: m((s) => s.latency.p50),
    p99: m((s) => s.latency.p99),
    p999: m((s) => s.latency.p999),
    cpuMicrosPerRequest: round(m((s) => s.cpuMicrosPerRequest), 2),
    serverRssKiB: Math.round(m((s) => s.serverRssKiB)),
    serverCpuPercent: Math.round(m((s) => s.serverCpuPercent ?? Number.NaN)),
    serverWaitPercent,
    loadCpuPercent: Math.round(m((s) => s.loadCpuPercent)),
    loadWaitPercent,
    contended: serverWaitPercent >= CONTENDED_WAIT_PERCENT || loadWaitPercent >= CONTENDED_WAIT_PERCENT,
    verified: sum((s) => s.verified),
    mismatches: sum((s) => s.mismatches),
    lost: sum((s) => s.lost),
    late: sum((s) => s.late),
    errors: sum((s) => s.errors + s.unanswered),
    loadBoundRuns,
    loadBound,
    loadBoundReasons: [...new Set(samples.flatMap((s) => (s.loadBound === undefined ? [] : [s.loadBound])))],
  };
}

/**
 * A server against the yardstick: for each figure, the median over the runs of that run's
 * ratio, taking only runs where neither side was load-bound. Each run measures the two back to
 * back (see {@link runOrder}), so a machine whose speed drifts from one run to the next (on this
 * VM the same server's CPU per reply moves between 0.7 and 1.1 µs) moves both sides of a ratio
 * together, where a ratio of the two medians would set a fast run of one against a slow run of
 * the other. Null when either server is load-bound (half its runs or more), or no run is clean
 * for both.
 *
 * Example: `pairedRatios([rx1, rx2, rx3], [plain1, plain2, plain3])?.rps`
 */
export function pairedRatios(server: readonly RunSample[], plain: readonly RunSample[]): Ratios | null {
  if (isLoadBound(server) || isLoadBound(plain)) return null;
  const pairs: [RunSample, RunSample][] = [];
  for (let run = 0; run < Math.min(server.length, plain.length); run += 1) {
    const a = server[run] as RunSample;
    const b = plain[run] as RunSample;
    if (a.loadBound === undefined && b.loadBound === undefined) pairs.push([a, b]);
  }
  if (pairs.length === 0) return null;
  const ratio = (f: (s: RunSample) => number): number => round(median(pairs.map(([a, b]) => f(a) / f(b))), 3);
  return {
    rps: ratio((s) => s.rps),
    p50: ratio((s) => s.latency.p50),
    p99: ratio((s) => s.latency.p99),
    p999: ratio((s) => s.latency.p999),
    cpuMicrosPerRequest: ratio((s) => s.cpuMicrosPerRequest),
  };
}

/**
 * The order of a scenario's servers in run `run`: the first one listed (rxnet, or the user
 * pipeline) right beside the yardstick, the others alternately after and before that pair, and
 * the whole order reversed every other run, so the pair each target compares is measured back to
 * back and a drift over time favours neither.
 *
 * Example: `runOrder(['rxnet', 'reusing', 'plain', 'plainBuffered'], 0)` is `['plainBuffered', 'rxnet', 'plain', 'reusing']`.
 */
export function runOrder(servers: readonly ServerKind[], run: number): ServerKind[] {
  const [first, ...others] = servers.filter((kind) => kind !== YARDSTICK);
  const order: ServerKind[] = first === undefined ? [] : [first];
  if (servers.includes(YARDSTICK)) order.push(YARDSTICK);
  others.forEach((kind, i) => (i % 2 === 0 ? order.push(kind) : order.unshift(kind)));
  return run % 2 === 0 ? order : order.reverse();
}

/** A scenario's result from its samples: medians per server, and each server against plain unless load-bound. */
export function scenarioResult(scenario: Scenario, rate: number, runs: Partial<Record<ServerKind, RunSample[]>>): ScenarioResult {
  const median: Partial<Record<ServerKind, ServerSummary>> = {};
  for (const kind of scenario.servers) median[kind] = summarizeRuns(runs[kind] ?? []);
  const plain = median[YARDSTICK];
  const ratios: Partial<Record<ServerKind, Ratios | null>> = {};
  for (const kind of scenario.servers) {
    const summary = median[kind];
    if (kind !== YARDSTICK && summary !== undefined && plain !== undefined) ratios[kind] = pairedRatios(runs[kind] ?? [], runs[YARDSTICK] ?? []);
  }
  const { id, title, transport, connections, window, servers } = scenario;
  const loadBound = Object.values(median).some((summary) => summary.loadBound);
  return { id, title, transport, connections, window, rate, servers, runs, median, ratios, loadBound };
}

/**
 * A shared-core round kept its core busy: the two servers together used at least
 * {@link LOAD_BOUND_PERCENT}% of the one core they share, so they set the pace, not the
 * generators (the load-bound rule of a shared core).
 *
 * Example: `isCoreBusy(rxnetSample, plainSample)` is true for 50% + 49%.
 */
export function isCoreBusy(rxnet: RunSample, plain: RunSample): boolean {
  return (rxnet.serverCpuPercent ?? 0) + (plain.serverCpuPercent ?? 0) >= LOAD_BOUND_PERCENT;
}

/** The median, least and greatest of `ratios`, to 3 decimals. */
function spread(ratios: readonly number[]): RatioSpread {
  return { median: round(median(ratios), 3), min: round(Math.min(...ratios), 3), max: round(Math.max(...ratios), 3) };
}

/**
 * The shared-core figures from their rounds: each round's rxnet/plain ratio, then the median.
 * Throughput counts only the rounds that kept the core busy, and is null (no ratio) unless they
 * are more than half; latency counts every round.
 *
 * Example: `sharedCoreResult(rounds, 'plain').rps?.median`
 */
export function sharedCoreResult(rounds: readonly SharedCoreRound[], baseline: ServerKind): SharedCoreResult {
  const busy = rounds.filter((r) => r.coreBusy);
  const ratios = (from: readonly SharedCoreRound[], f: (s: RunSample) => number): number[] => from.map((r) => f(r.rxnet) / f(r.plain));
  return {
    baseline,
    rounds: [...rounds],
    rps: busy.length * 2 > rounds.length ? spread(ratios(busy, (s) => s.rps)) : null,
    p50: spread(ratios(rounds, (s) => s.latency.p50)),
    p99: spread(ratios(rounds, (s) => s.latency.p99)),
  };
}

/** The idle-connections result from its runs: bytes per connection, and rxnet's against plain's. */
export function idleResult(connections: number, runs: Partial<Record<ServerKind, IdleResult[]>>): IdleScenarioResult {
  const bytesPerConnection: Partial<Record<ServerKind, number>> = {};
  for (const [kind, results] of Object.entries(runs) as [ServerKind, IdleResult[]][]) {
    bytesPerConnection[kind] = Math.round(median(results.map((r) => r.bytesPerConnection)));
  }
  const ratio = round((bytesPerConnection.rxnet ?? Number.NaN) / (bytesPerConnection[YARDSTICK] ?? Number.NaN), 3);
  return { connections, runs, bytesPerConnection, ratio };
}

/**
 * Issue 12's targets against this run: rxnet against the plain baseline. Where a scenario has
 * shared-core rounds, throughput and TCP 1x1 latency are judged on them (the ratio a swing of
 * the machine's speed cannot move; see sharedCore.ts), and the back-to-back figure is shown
 * beside it; otherwise, and for p99 (which the sharing itself would set), on the back-to-back runs.
 */
export function checkTargets(scenarios: readonly ScenarioResult[], idle: IdleScenarioResult | undefined): TargetCheck[] {
  const ratioTarget = (name: string, id: string, pick: (r: Ratios) => number, goal: number, atLeast: boolean, shared?: (s: SharedCoreResult) => RatioSpread | null): TargetCheck => {
    const goalText = `${atLeast ? '>=' : '<='} ${goal.toFixed(2)}x`;
    const scenario = scenarios.find((s) => s.id === id);
    const ratios = scenario?.ratios.rxnet;
    if (scenario === undefined || ratios === undefined) return { name, goal: goalText, measured: 'not run', met: undefined };
    const alone = ratios === null ? 'load-bound' : `${pick(ratios).toFixed(2)}x`;
    const rounds = scenario.sharedCore?.rounds.length ?? 0;
    if (shared !== undefined && scenario.sharedCore !== undefined && rounds > 0) {
      const figure = shared(scenario.sharedCore);
      if (figure === null) return { name, goal: goalText, measured: `load-bound (shared core); back to back ${alone}`, met: false };
      const value = figure.median;
      const against = scenario.sharedCore.baseline === YARDSTICK ? '' : ` with ${SERVER_LABELS[scenario.sharedCore.baseline]}`;
      const measured = `${value.toFixed(2)}x shared core${against} (${rounds} rounds, ${figure.min.toFixed(2)}-${figure.max.toFixed(2)}); back to back ${alone}`;
      return { name, goal: goalText, measured, met: atLeast ? value >= goal : value <= goal };
    }
    if (ratios === null) return { name, goal: goalText, measured: 'load-bound', met: false };
    const value = pick(ratios);
    return { name, goal: goalText, measured: `${value.toFixed(2)}x`, met: atLeast ? value >= goal : value <= goal };
  };
  const udpScenario = scenarios.find((s) => s.id === 'udp-s16-w32');
  const udp = udpScenario?.median.rxnet;
  const udpBuffered = udpScenario?.median.plainBuffered;
  // UDP p99 at saturation is set by the queue the receive buffer allows (Little's law: in flight
  // / throughput): it is judged against plain Node with the same buffer, where neither loses a
  // datagram; against the default buffer (which loses thousands) it is shown, not judged.
  const sameBuffer = udp === undefined || udpBuffered === undefined ? undefined : pairedRatios(udpScenario?.runs.rxnet ?? [], udpScenario?.runs.plainBuffered ?? []);
  const udpP99: TargetCheck =
    sameBuffer === undefined
      ? { name: 'UDP p99 at 16x32, same buffer', goal: '<= 1.30x', measured: 'not run', met: undefined }
      : sameBuffer === null
        ? { name: 'UDP p99 at 16x32, same buffer', goal: '<= 1.30x', measured: 'load-bound', met: false }
        : { name: 'UDP p99 at 16x32, same buffer', goal: '<= 1.30x', measured: `${sameBuffer.p99.toFixed(2)}x`, met: sameBuffer.p99 <= 1.3 };
  return [
    ratioTarget('TCP 64x32 throughput', 'tcp-c64-w32', (r) => r.rps, 0.9, true, (s) => s.rps),
    ratioTarget('UDP 16x32 throughput', 'udp-s16-w32', (r) => r.rps, 0.9, true, (s) => s.rps),
    ratioTarget('TCP p99 at 64x32', 'tcp-c64-w32', (r) => r.p99, 1.3, false),
    udpP99,
    ratioTarget('TCP 1x1 latency (p50)', 'tcp-c1-w1', (r) => r.p50, 1.1, false, (s) => s.p50),
    idle === undefined
      ? { name: 'RSS per idle TCP connection', goal: '<= 1.50x', measured: 'not run', met: undefined }
      : { name: 'RSS per idle TCP connection', goal: '<= 1.50x', measured: `${idle.ratio.toFixed(2)}x`, met: idle.ratio <= 1.5 },
    udp === undefined
      ? { name: 'UDP loss at 16x32', goal: '0', measured: 'not run', met: undefined }
      : { name: 'UDP loss at 16x32', goal: '0', measured: String(udp.lost), met: udp.lost === 0 },
  ];
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
