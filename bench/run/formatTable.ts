import { formatMachine } from './machine.js';
import type { BenchReport, ServerSummary } from './results.js';
import { SERVER_LABELS, YARDSTICK, type ServerKind } from './servers.js';

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const dec = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const times = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '-');

/** Pads cells into aligned columns: the first `leftAligned` and, with `note`, the last left-aligned, numbers right-aligned. */
function columns(rows: readonly (readonly string[])[], leftAligned: number, note = false): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const left = (i: number, row: readonly string[]): boolean => i < leftAligned || (note && i === row.length - 1);
  return rows.map((row) => row.map((cell, i) => (left(i, row) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

/** The line that says which load generator measured, and why if it is not the native one. */
export function describeGenerator(report: BenchReport): string {
  const g = report.generator;
  if (g.kind === 'native') return 'load generator: native (bench/native/calcload.c, epoll; UDP sendmmsg/recvmmsg), every reply verified';
  return `load generator: Node (bench/loadGenerator.ts), because ${g.fallbackReason ?? 'no native one'}: throughput may be bound by it (see load-bound)`;
}

/**
 * The report as text tables: machine, one block per scenario (each server, then each server
 * against plain, or "load-bound" where no ratio can be quoted), idle memory, targets.
 *
 * Example: `process.stdout.write(formatTable(report))`
 */
export function formatTable(report: BenchReport): string {
  const s = report.settings;
  const header = [
    `machine: ${formatMachine(report.machine)}; load average ${report.loadAverage.start} at start, ${report.loadAverage.end} at end`,
    `settings: ${s.runs} run(s) x ${s.seconds} s per server and scenario (median shown; a ratio is the median of each run's, the two servers measured back to back${s.freshServers === true ? ', each run after the first on fresh server processes' : ''}), warm-up ${s.warmupSeconds} s, workers ${s.workers}, server CPUs ${s.serverCpus ?? 'any'}, load CPUs ${s.loadCpus ?? 'any'}${s.profileDir === undefined ? '' : ', servers under --cpu-prof'}${s.rxnetRoot === undefined ? '' : `, rxnet from ${s.rxnetRoot}`}${s.compareRoot === undefined ? '' : `, "plain node" is rxnet from ${s.compareRoot}`}; rxnet ${s.metrics === false ? 'without metrics (--no-metrics)' : 'with --metrics-port 0 (metrics on)'}, wiretap off`,
    describeGenerator(report),
    ...((s.sharedRounds ?? 0) > 0
      ? [`shared core (${s.sharedRounds} rounds per scenario that has them): rxnet and plain (for UDP with rxnet's receive buffer) pinned to the same core and loaded at the same time, so a swing of the machine's speed moves both; these ratios judge throughput and TCP 1x1 p50 (p99 stays with the back-to-back runs)`]
      : []),
    'server cpu% / load cpu%: CPU use + time spent waiting for a CPU, % of one core over the run; load-bound: a closed-loop run where the server was under 90% while the generator was saturated or the server waited for its core (cpu + wait >= 90%); contended: either waited 10% or more',
  ];
  const rows: string[][] = [['scenario', 'server', 'req/s', 'p50 us', 'p99 us', 'p999 us', 'cpu us/req', 'server cpu%', 'load cpu%', 'RSS MiB', 'lost', 'errors', '']];
  const serverRow = (label: string, kind: ServerKind, m: ServerSummary, runs: number): string[] => [
    label,
    SERVER_LABELS[kind],
    int(m.rps),
    dec(m.p50),
    dec(m.p99),
    dec(m.p999),
    dec(m.cpuMicrosPerRequest, 2),
    `${int(m.serverCpuPercent)}+${int(m.serverWaitPercent)}`,
    `${int(m.loadCpuPercent)}+${int(m.loadWaitPercent)}`,
    dec(m.serverRssKiB / 1024),
    String(m.lost),
    String(m.mismatches + m.errors),
    m.loadBound
      ? `LOAD-BOUND: ${m.loadBoundReasons.join(', ')} (${m.loadBoundRuns}/${runs} runs)`
      : m.loadBoundRuns > 0
        ? `${m.loadBoundRuns}/${runs} runs load-bound (${m.loadBoundReasons.join(', ')}), left out of the medians`
        : m.contended
          ? 'contended (waited for a CPU)'
          : '',
  ];
  for (const scenario of report.scenarios) {
    let label = scenario.rate > 0 ? `${scenario.title} (${int(scenario.rate)}/s)` : scenario.title;
    for (const kind of scenario.servers) {
      const m = scenario.median[kind];
      if (m === undefined) continue;
      rows.push(serverRow(label, kind, m, scenario.runs[kind]?.length ?? 0));
      label = '';
    }
    for (const kind of scenario.servers) {
      const r = scenario.ratios[kind];
      if (r === undefined) continue;
      const name = `${SERVER_LABELS[kind]}/plain`;
      if (r === null) rows.push(['', name, 'load-bound', '', '', '', '', '', '', '', '', '', 'no ratio quoted']);
      else rows.push(['', name, times(r.rps), times(r.p50), times(r.p99), times(r.p999), times(r.cpuMicrosPerRequest), '', '', '', '', '', 'median of run-by-run ratios']);
    }
    const shared = scenario.sharedCore;
    if (shared !== undefined && shared.rounds.length > 0) {
      const range = shared.rps === null ? 'throughput load-bound (the core was not kept busy)' : `throughput ${times(shared.rps.min)}-${times(shared.rps.max)}`;
      const note = `shared core: median of ${shared.rounds.length} rounds, both at once on one core, fresh servers each; ${range}`;
      rows.push(['', shared.baseline === YARDSTICK ? 'rxnet/plain' : `rxnet/${SERVER_LABELS[shared.baseline]}`, shared.rps === null ? 'load-bound' : times(shared.rps.median), times(shared.p50.median), times(shared.p99.median), '', '', '', '', '', '', '', note]);
    }
  }
  const parts = [header.join('\n'), columns(rows, 2, true)];
  const idle = report.idle;
  if (idle !== undefined) {
    const perConnection = Object.entries(idle.bytesPerConnection).map(([kind, bytes]) => `${SERVER_LABELS[kind as ServerKind]} ${int(bytes)} B/conn`);
    parts.push(
      `idle TCP connections: ${int(idle.connections)}: ${perConnection.join(', ')}, rxnet/plain ${times(idle.ratio)} (server RSS delta / connections, median of ${idle.runs.rxnet?.length ?? 0})`,
    );
  }
  const proxy = report.proxy;
  if (proxy !== undefined) {
    parts.push(
      `impairment proxy, no toxic (issue 14), median of ${proxy.runs}: adds ${proxy.addedP50Micros} µs to a round trip at p50 (direct ${proxy.p50Micros.direct}, plain pipe ${proxy.p50Micros.plain}, rxnet ${proxy.p50Micros.rxnet} µs); throughput plain pipe ${proxy.throughputMiBps.plain} MiB/s, rxnet ${proxy.throughputMiBps.rxnet} MiB/s, rxnet/plain ${times(proxy.throughputRatio)}`,
    );
  }
  const targets: string[][] = [['target (issue 12)', 'goal', 'measured', 'met']];
  for (const t of report.targets) targets.push([t.name, t.goal, t.measured, t.met === undefined ? 'n/a' : t.met ? 'yes' : 'NO']);
  parts.push(columns(targets, 1));
  return `${parts.join('\n\n')}\n`;
}
