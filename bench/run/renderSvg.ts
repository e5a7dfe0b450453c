import { formatMachine } from './machine.js';
import type { BenchReport } from './results.js';

const WIDTH = 960;
const COLORS = { rxnet: '#2f6fd6', baseline: '#9a9a9a' } as const;
const FONT = 'font-family="system-ui, sans-serif"';

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, body: string, attrs = ''): string => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(body)}</text>`;
const rect = (x: number, y: number, w: number, h: number, fill: string): string =>
  `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0, w).toFixed(1)}" height="${Math.max(0, h).toFixed(1)}" fill="${fill}"/>`;

/**
 * Draws the report as an SVG: throughput per scenario (each row scaled to its larger bar, with
 * the ratio) and latency percentiles on a log scale, rxnet beside the baseline. Hand-written, no
 * dependency.
 *
 * Example: `writeFileSync('latest.svg', renderSvg(report))`
 */
export function renderSvg(report: BenchReport): string {
  const out: string[] = [];
  let y = 28;
  out.push(text(20, y, 'rxnet vs plain-Node baseline', `font-size="18" font-weight="bold"`));
  y += 18;
  out.push(text(20, y, formatMachine(report.machine), `font-size="11" fill="#555"`));
  out.push(rect(WIDTH - 230, 14, 12, 12, COLORS.rxnet), text(WIDTH - 212, 24, 'rxnet', `font-size="12"`));
  out.push(rect(WIDTH - 150, 14, 12, 12, COLORS.baseline), text(WIDTH - 132, 24, 'baseline', `font-size="12"`));

  // Throughput: one pair of horizontal bars per scenario.
  y += 30;
  out.push(text(20, y, 'Throughput, verified replies/s (median; each row scaled to its larger bar)', `font-size="14" font-weight="bold"`));
  y += 12;
  const barLeft = 230;
  const barWidth = WIDTH - barLeft - 170;
  for (const scenario of report.scenarios) {
    const rx = scenario.median.rxnet.rps;
    const base = scenario.median.baseline.rps;
    const max = Math.max(rx, base, 1);
    out.push(text(20, y + 22, scenario.title, `font-size="12"`));
    out.push(rect(barLeft, y + 6, (rx / max) * barWidth, 14, COLORS.rxnet));
    out.push(text(barLeft + (rx / max) * barWidth + 6, y + 17, rx.toLocaleString('en-US'), `font-size="11"`));
    out.push(rect(barLeft, y + 22, (base / max) * barWidth, 14, COLORS.baseline));
    out.push(text(barLeft + (base / max) * barWidth + 6, y + 33, base.toLocaleString('en-US'), `font-size="11"`));
    out.push(text(WIDTH - 20, y + 25, `${scenario.ratio.rps.toFixed(2)}x`, `font-size="13" text-anchor="end" font-weight="bold"`));
    y += 44;
  }

  // Latency: log-scale vertical bars, p50 / p99 / p999 pairs per scenario.
  y += 30;
  out.push(text(20, y, 'Latency percentiles, µs (log scale): p50, p99, p999 — rxnet left, baseline right', `font-size="14" font-weight="bold"`));
  const top = y + 20;
  const height = 260;
  const left = 70;
  const right = WIDTH - 20;
  const all = report.scenarios.flatMap((s) => [s.median.rxnet, s.median.baseline].flatMap((m) => [m.p50, m.p99, m.p999]));
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
    const bar = (groupWidth - 16) / 7.5;
    (['p50', 'p99', 'p999'] as const).forEach((p, j) => {
      const px = x0 + j * bar * 2.5;
      for (const [k, kind] of (['rxnet', 'baseline'] as const).entries()) {
        const v = scenario.median[kind][p];
        const by = scale(v);
        out.push(rect(px + k * bar, by, bar - 1, top + height - by, COLORS[kind]));
      }
      out.push(text(px + bar, top + height + 12, p, `font-size="9" text-anchor="middle" fill="#555"`));
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
        `Idle TCP connections (${idle.connections.toLocaleString('en-US')}): server RSS per connection rxnet ${idle.bytesPerConnection.rxnet.toLocaleString('en-US')} B, baseline ${idle.bytesPerConnection.baseline.toLocaleString('en-US')} B`,
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
