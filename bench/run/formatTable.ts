import { formatMachine } from './machine.js';
import type { BenchReport, ServerSummary } from './results.js';

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const dec = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const times = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '-');

/** Pads cells into aligned columns: the first columns left-aligned, numbers right-aligned. */
function columns(rows: readonly (readonly string[])[], leftAligned: number): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i < leftAligned ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

/**
 * The report as text tables: machine, one block per scenario (rxnet, baseline, ratio), idle
 * memory, targets.
 *
 * Example: `process.stdout.write(formatTable(report))`
 */
export function formatTable(report: BenchReport): string {
  const s = report.settings;
  const header = [
    `machine: ${formatMachine(report.machine)}; load average ${report.loadAverage.start} at start, ${report.loadAverage.end} at end`,
    `settings: ${s.runs} run(s) x ${s.seconds} s per server and scenario (median shown), warm-up ${s.warmupSeconds} s, workers ${s.workers}, server CPUs ${s.serverCpus ?? 'any'}, load CPUs ${s.loadCpus ?? 'any'}${s.profileDir === undefined ? '' : ', rxnet under --cpu-prof'}${s.rxnetRoot === undefined ? '' : `, rxnet from ${s.rxnetRoot}`}${s.compareRoot === undefined ? '' : `, "baseline" is rxnet from ${s.compareRoot}`}`,
  ];
  const rows: string[][] = [['scenario', 'server', 'req/s', 'p50 us', 'p99 us', 'p999 us', 'cpu us/req', 'RSS MiB', 'load cpu%', 'errors']];
  const serverRow = (label: string, kind: string, m: ServerSummary): string[] => [
    label,
    kind,
    int(m.rps),
    dec(m.p50),
    dec(m.p99),
    dec(m.p999),
    dec(m.cpuMicrosPerRequest, 2),
    dec(m.serverRssKiB / 1024),
    String(m.loadCpuPercent),
    String(m.mismatches + m.errors + m.lost),
  ];
  for (const scenario of report.scenarios) {
    const label = scenario.rate > 0 ? `${scenario.title} (${int(scenario.rate)}/s)` : scenario.title;
    rows.push(serverRow(label, 'rxnet', scenario.median.rxnet));
    rows.push(serverRow('', 'baseline', scenario.median.baseline));
    const r = scenario.ratio;
    rows.push(['', 'rxnet/base', times(r.rps), times(r.p50), times(r.p99), times(r.p999), times(r.cpuMicrosPerRequest), '', '', '']);
  }
  const parts = [header.join('\n'), columns(rows, 2)];
  const idle = report.idle;
  if (idle !== undefined) {
    parts.push(
      `idle TCP connections: ${int(idle.connections)}: rxnet ${int(idle.bytesPerConnection.rxnet)} B/conn, baseline ${int(idle.bytesPerConnection.baseline)} B/conn, ` +
        `rxnet extra ${int(idle.extraBytesPerConnection)} B/conn (server RSS delta / connections, median of ${idle.runs.rxnet.length})`,
    );
  }
  const targets: string[][] = [['target', 'goal', 'measured', 'met']];
  for (const t of report.targets) targets.push([t.name, t.goal, t.measured, t.met === undefined ? 'n/a' : t.met ? 'yes' : 'NO']);
  parts.push(columns(targets, 1));
  return `${parts.join('\n\n')}\n`;
}
