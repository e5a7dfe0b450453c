import { describeGenerator } from './formatTable.js';
import { formatMachine } from './machine.js';
import type { BenchReport, ScenarioResult } from './results.js';
import { SERVER_KINDS, SERVER_LABELS, YARDSTICK, type ServerKind } from './servers.js';

const WIDTH = 960;
const COLORS: Readonly<Record<ServerKind, string>> = { rxnet: '#2f6fd6', plain: '#9a9a9a', plainBuffered: '#c8c8c8', reusing: '#e0a040', user: '#3a9a5a' };
const FONT = 'font-family="system-ui, sans-serif"';

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, body: string, attrs = ''): string => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(body)}</text>`;
const rect = (x: number, y: number, w: number, h: number, fill: string): string =>
  `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0, w).toFixed(1)}" height="${Math.max(0, h).toFixed(1)}" fill="${fill}"/>`;

/**
 * Draws the report as an SVG: throughput per scenario (each row scaled to its largest bar, with
 * each server's ratio to plain, or "load-bound") and latency percentiles on a log scale, the
 * servers side by side. Hand-written, no dependency.
 *
 * Example: `writeFileSync('latest.svg', renderSvg(report))`
 */
export function renderSvg(report: BenchReport): string {
  const out: string[] = [];
  let y = 28;
  out.push(text(20, y, 'rxnet vs a plain-Node baseline (net/dgram, no rxnet code)', `font-size="18" font-weight="bold"`));
  y += 18;
  out.push(text(20, y, formatMachine(report.machine), `font-size="11" fill="#555"`));
  y += 14;
  out.push(text(20, y, describeGenerator(report), `font-size="11" fill="#555"`));
  const shown = SERVER_KINDS.filter((kind) => report.scenarios.some((scenario) => scenario.servers.includes(kind)));
  y += 20;
  shown.forEach((kind, i) => {
    const x = 20 + 130 * i;
    out.push(rect(x, y - 10, 12, 12, COLORS[kind]), text(x + 18, y, SERVER_LABELS[kind], `font-size="12"`));
  });

  // Throughput: one horizontal bar per server and scenario.
  y += 30;
  out.push(text(20, y, 'Throughput, verified replies/s (median; each row scaled to its largest bar; ratio to plain)', `font-size="14" font-weight="bold"`));
  y += 12;
  const barLeft = 230;
  const barWidth = WIDTH - barLeft - 200;
  for (const scenario of report.scenarios) {
    const max = Math.max(1, ...scenario.servers.map((kind) => scenario.median[kind]?.rps ?? 0));
    out.push(text(20, y + 6 + scenario.servers.length * 8, scenario.title, `font-size="12"`));
    scenario.servers.forEach((kind, i) => {
      const rps = scenario.median[kind]?.rps ?? 0;
      const by = y + 6 + i * 16;
      out.push(rect(barLeft, by, (rps / max) * barWidth, 14, COLORS[kind]));
      out.push(text(barLeft + (rps / max) * barWidth + 6, by + 11, `${rps.toLocaleString('en-US')}${ratioLabel(scenario, kind)}`, `font-size="11"`));
    });
    y += 12 + scenario.servers.length * 16;
  }

  // Latency: log-scale vertical bars, p50 / p99 / p999 groups per scenario.
  y += 30;
  out.push(text(20, y, 'Latency percentiles, µs (log scale): p50, p99, p999 — servers side by side', `font-size="14" font-weight="bold"`));
  const top = y + 20;
  const height = 260;
  const left = 70;
  const right = WIDTH - 20;
  const all = report.scenarios.flatMap((s) => s.servers.flatMap((kind) => {
    const m = s.median[kind];
    return m === undefined ? [] : [m.p50, m.p99, m.p999];
  }));
  const lo = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...all.filter((v) => v > 0), 10))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all, lo * 10)));
  const scale = (v: number): number => top + height - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * height;
  for (let tick = lo; tick <= hi; tick *= 10) {
    const ty = scale(tick);
    out.push(`<line x1="${left}" x2="${right}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="#e3e3e3"/>`);
    out.push(text(left - 6, ty + 4, tick >= 1000 ? `${tick / 1000} ms` : `${tick} µs`, `font-size="10" text-anchor="end" fill="#555"`));
  }
  const groupWidth = (right - left) / Math.max(1, report.scenarios.length);
  report.scenarios.forEach((scenario, i) => {
    const x0 = left + i * groupWidth + 8;
    const count = scenario.servers.length;
    const bar = (groupWidth - 16) / (3 * (count + 0.5));
    (['p50', 'p99', 'p999'] as const).forEach((p, j) => {
      const px = x0 + j * bar * (count + 0.5);
      scenario.servers.forEach((kind, k) => {
        const by = scale(scenario.median[kind]?.[p] ?? 0);
        out.push(rect(px + k * bar, by, bar - 1, top + height - by, COLORS[kind]));
      });
      out.push(text(px + (bar * count) / 2, top + height + 12, p, `font-size="9" text-anchor="middle" fill="#555"`));
    });
    out.push(text(x0 + (groupWidth - 16) / 2, top + height + 28, scenario.title, `font-size="10" text-anchor="middle"`));
  });
  y = top + height + 50;
  const idle = report.idle;
  if (idle !== undefined) {
    out.push(
      text(
        20,
        y,
        `Idle TCP connections (${idle.connections.toLocaleString('en-US')}): server RSS per connection rxnet ${(idle.bytesPerConnection.rxnet ?? 0).toLocaleString('en-US')} B, plain ${(idle.bytesPerConnection.plain ?? 0).toLocaleString('en-US')} B (${idle.ratio.toFixed(2)}x)`,
        `font-size="12"`,
      ),
    );
    y += 20;
  }
  const load = report.loadAverage;
  out.push(text(20, y, `${report.startedAt} · ${report.settings.runs} run(s) x ${report.settings.seconds} s each · load average ${load.start} → ${load.end} · npm run bench`, `font-size="10" fill="#777"`));
  y += 14;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" ${FONT}>\n<rect width="100%" height="100%" fill="white"/>\n${out.join('\n')}\n</svg>\n`;
}

/** ` (0.85x)` against plain (with rxnet's shared-core ratio where there is one), ` (load-bound)`, or nothing for plain itself. */
function ratioLabel(scenario: ScenarioResult, kind: ServerKind): string {
  if (kind === YARDSTICK) return scenario.median[kind]?.loadBound === true ? ' (load-bound)' : '';
  const ratio = scenario.ratios[kind];
  if (ratio === undefined) return '';
  const sharedRps = kind === 'rxnet' ? scenario.sharedCore?.rps : undefined;
  const shared = sharedRps === undefined || sharedRps === null ? '' : `; shared core ${sharedRps.median.toFixed(2)}x`;
  return ratio === null ? ` (load-bound, no ratio${shared})` : ` (${ratio.rps.toFixed(2)}x${shared})`;
}
