/**
 * Sums self time per function, and per source (package or file), from a V8 `.cpuprofile`
 * (`node --cpu-prof`). Self time is taken from the sample time deltas, not hit counts.
 *
 *   node dist/bench/cpuProfileSummary.js PROFILE.cpuprofile [--top N] [--skip-ms MS]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isMain } from './isMain.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One row of the summary: a function or a source, its self time and share of the busy (non-idle) time. */
export interface SelfTimeRow {
  readonly name: string;
  readonly selfMs: number;
  readonly percent: number;
}

/** What {@link summarizeProfile} returns. */
export interface ProfileSummary {
  /** Sampled time, ms, idle included. */
  readonly totalMs: number;
  /** Sampled time not spent idle, ms: the base of the percentages. */
  readonly busyMs: number;
  readonly functions: readonly SelfTimeRow[];
  readonly sources: readonly SelfTimeRow[];
}

/** Where a function comes from: a package (`rxjs`, `zod`), a project file (`lib/framing/LineDecoder.js`), `node:…`, or a V8 pseudo-node. */
export function sourceOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1] as string;
  if (url.startsWith('node:')) return url;
  const project = /\/dist\/(.*)$/.exec(url);
  return project !== null ? (project[1] as string) : url.replace(/^file:\/\//, '');
}

/**
 * Sums self time per function and per source.
 *
 * Example: `summarizeProfile(JSON.parse(readFileSync(file, 'utf8'))).functions[0]` is the hottest function.
 *
 * @param top how many rows of each table. Defaults to 25.
 * @param skipMs samples in the first `skipMs` ms are left out (start-up, warm-up). Defaults to 0.
 */
export function summarizeProfile(profile: CpuProfile, top = 25, skipMs = 0): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const selfByNode = new Map<number, number>();
  let totalUs = 0;
  let elapsedUs = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const delta = Math.max(0, profile.timeDeltas[i] ?? 0);
    elapsedUs += delta;
    if (elapsedUs <= skipMs * 1000) continue; // start-up and warm-up
    const id = profile.samples[i] as number;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + delta);
    totalUs += delta;
  }
  const functions = new Map<string, number>();
  const sources = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfByNode) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    if (frame.functionName === '(idle)') idleUs += us;
    const source = sourceOf(frame.url, frame.functionName);
    const name = `${frame.functionName === '' ? '(anonymous)' : frame.functionName} ${source}${frame.url === '' ? '' : `:${frame.lineNumber + 1}`}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    sources.set(source, (sources.get(source) ?? 0) + us);
  }
  const busyUs = Math.max(1, totalUs - idleUs);
  const rows = (map: Map<string, number>): SelfTimeRow[] =>
    [...map]
      .filter(([name]) => !name.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, percent: Math.round((us / busyUs) * 1000) / 10 }));
  return { totalMs: Math.round(totalUs / 1000), busyMs: Math.round(busyUs / 1000), functions: rows(functions), sources: rows(sources) };
}

/** Formats a summary as two text tables. */
export function formatProfileSummary(summary: ProfileSummary): string {
  const table = (title: string, rows: readonly SelfTimeRow[]): string =>
    [title, ...rows.map((r) => `${r.percent.toFixed(1).padStart(6)}%  ${r.selfMs.toFixed(1).padStart(9)} ms  ${r.name}`)].join('\n');
  return [
    `sampled ${summary.totalMs} ms, busy (not idle) ${summary.busyMs} ms; percentages are of busy time`,
    table('self time by source:', summary.sources),
    table('self time by function:', summary.functions),
  ].join('\n\n');
}

if (isMain(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, 'skip-ms': { type: 'string', default: '0' } },
  });
  if (positionals.length === 0) {
    process.stderr.write('Usage: node dist/bench/cpuProfileSummary.js PROFILE.cpuprofile [--top N] [--skip-ms MS]\n');
    process.exitCode = 2;
  }
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    process.stdout.write(`${file}\n${formatProfileSummary(summarizeProfile(profile, Number(values.top), Number(values['skip-ms'])))}\n`);
  }
}
