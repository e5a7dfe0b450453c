/**
 * `npm run bench`: rxnet's server against the plain-Node baseline, scenario by scenario, each
 * server and the load generator in their own processes pinned to different cores (taskset).
 * Prints a progress display on stderr, a table on stdout, and writes bench/results/latest.json
 * and latest.svg. Every child is stopped by PID; every run is bounded in requests and time.
 *
 *   npm run bench                        # ~2.5 minutes: 3 runs x 2 s per server and scenario
 *   npm run bench -- --quick             # ~40 s: 1 run x 1 s
 *   npm run bench -- --only tcp-c64-w32 --seconds 5 --runs 5
 *   npm run bench -- --workers 2         # pass --workers 2 to both servers
 *   npm run bench -- --profile /tmp/prof # both servers under node --cpu-prof, summarised at the end
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { formatProfileSummary, summarizeProfile } from './cpuProfileSummary.js';
import type { IdleResult } from './load/idleTcp.js';
import type { LoadResult } from './load/LoadOptions.js';
import { FD_LIMIT, collectOutput, startChild, stopAllChildren } from './run/children.js';
import { formatTable } from './run/formatTable.js';
import { describeMachine } from './run/machine.js';
import { Progress } from './run/Progress.js';
import { renderSvg } from './run/renderSvg.js';
import type { BenchReport, BenchSettings, IdleScenarioResult, RunSample, ScenarioResult } from './run/results.js';
import { IDLE_SCENARIO, SCENARIOS, type Scenario } from './run/scenarios.js';
import { REPO_ROOT, SERVER_KINDS, startServer, type ServerKind, type StartedServer } from './run/servers.js';
import { checkTargets, idleResult, scenarioResult } from './run/summarize.js';
import { readCpuSeconds, readRssKiB, readUdpReceiveDrops } from './procStats.js';

const USAGE = `Usage: npm run bench -- [options]
  --quick            1 run x 1 s per server and scenario, 0.5 s warm-up (about 40 s in all)
  --seconds S        seconds per run (default 2)
  --runs N           runs per server and scenario; the median is reported (default 3)
  --warmup S         warm-up seconds per server and scenario, not measured (default 1)
  --idle N           idle TCP connections for the memory scenario, 0 to skip (default 5000)
  --only IDS         comma-separated scenario ids: ${[...SCENARIOS.map((s) => s.id), IDLE_SCENARIO].join(', ')}
  --workers N        pass --workers N to both servers (rxnet's CLI must support it)
  --profile DIR      run both servers under node --cpu-prof (DIR/<server>-<transport>/) and
                     print self-time summaries (start-up and the first warm-up skipped)
  --rxnet DIR        run DIR/cli/server.js as "rxnet" (another checkout, e.g. with a patched lib/)
  --compare DIR      run DIR/cli/server.js in the baseline's place (A/B of two lib/ versions)
  --no-pin           do not pin processes to cores with taskset
  --out DIR          where latest.json and latest.svg go (default bench/results)`;

interface BenchFlags extends BenchSettings {
  readonly only: ReadonlySet<string> | undefined;
  readonly pin: boolean;
  readonly outDir: string;
}

function parseBenchArgs(argv: readonly string[]): BenchFlags | undefined {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      quick: { type: 'boolean' },
      seconds: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      idle: { type: 'string' },
      only: { type: 'string' },
      workers: { type: 'string', default: '1' },
      profile: { type: 'string' },
      'no-pin': { type: 'boolean' },
      rxnet: { type: 'string' },
      compare: { type: 'string' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) return undefined;
  const quick = values.quick === true;
  const num = (name: string, value: string | undefined, fallback: number, min: number, max: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new Error(`Invalid --${name} "${value}" (expected a number ${min}-${max})`);
    return n;
  };
  const only = values.only === undefined ? undefined : new Set(values.only.split(',').map((id) => id.trim()));
  for (const id of only ?? []) {
    if (id !== IDLE_SCENARIO && !SCENARIOS.some((s) => s.id === id)) throw new Error(`Unknown scenario "${id}" in --only (see --help)`);
  }
  const cores = describeMachine().cores;
  const workers = Math.round(num('workers', values.workers, 1, 1, 64));
  const pin = values['no-pin'] !== true;
  let idleConnections = Math.round(num('idle', values.idle, 5000, 0, 50_000));
  if (FD_LIMIT !== undefined && idleConnections + 500 > FD_LIMIT) {
    process.stderr.write(`bench: open-file limit ${FD_LIMIT} is too low for ${idleConnections} connections; using ${FD_LIMIT - 500} (raise it with ulimit -n)\n`);
    idleConnections = Math.max(0, FD_LIMIT - 500);
  }
  return {
    seconds: num('seconds', values.seconds, quick ? 1 : 2, 0.1, 120),
    runs: Math.round(num('runs', values.runs, quick ? 1 : 3, 1, 25)),
    warmupSeconds: num('warmup', values.warmup, quick ? 0.5 : 1, 0, 60),
    idleConnections,
    workers,
    serverCpus: pin ? (workers > 1 ? `0-${Math.min(workers, cores) - 1}` : '0') : undefined,
    loadCpus: pin && workers < cores ? String(cores - 1) : undefined,
    profileDir: values.profile === undefined ? undefined : resolve(values.profile),
    rxnetRoot: values.rxnet === undefined ? undefined : resolve(values.rxnet),
    compareRoot: values.compare === undefined ? undefined : resolve(values.compare),
    only,
    pin,
    outDir: resolve(values.out),
  };
}

/** Runs the load generator once against `server`; returns its result with the server's CPU and RSS over the run. */
async function measure(flags: BenchFlags, server: StartedServer, scenario: Scenario, rate: number, seconds: number, progress: Progress): Promise<RunSample> {
  const args = [
    `--${scenario.transport}`,
    '--host', server.host,
    '--port', String(server.port),
    '--connections', String(scenario.connections),
    '--window', String(scenario.window),
    '--seconds', String(seconds),
    '--requests', String(Math.max(10_000, Math.ceil(seconds * 2_000_000))),
    '--rate', String(rate),
    '--timeout-ms', '1000',
    '--progress',
  ];
  const cpuBefore = readCpuSeconds(server.pid) ?? 0;
  const dropsBefore = readUdpReceiveDrops() ?? 0;
  const child = startChild({
    command: [process.execPath, join(REPO_ROOT, 'dist', 'bench', 'loadGenerator.js'), ...args],
    cpus: flags.loadCpus,
    onStderrLine: (line) => {
      const match = /^progress (\d+)$/.exec(line);
      if (match !== null) progress.live(Number(match[1]));
      else progress.note(`  load generator: ${line}`);
    },
  });
  const { stdout } = await collectOutput(child, (seconds + 1) * 1000 + 20_000);
  const cpuSeconds = (readCpuSeconds(server.pid) ?? 0) - cpuBefore;
  const result = JSON.parse(lastLine(stdout)) as LoadResult;
  return {
    ...result,
    serverCpuSeconds: Math.round(cpuSeconds * 100) / 100,
    cpuMicrosPerRequest: result.verified === 0 ? Number.NaN : Math.round((cpuSeconds / result.verified) * 1e8) / 100,
    serverRssKiB: readRssKiB(server.pid) ?? Number.NaN,
    udpReceiveDrops: (readUdpReceiveDrops() ?? 0) - dropsBefore,
  };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  const line = lines[lines.length - 1] ?? '';
  if (!line.startsWith('{')) throw new Error(`the load generator printed no result (output: ${JSON.stringify(text.slice(0, 200))})`);
  return line;
}

function serverSpec(flags: BenchFlags, kind: ServerKind, transport: 'tcp' | 'udp', progress: Progress) {
  const nodeFlags = flags.profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${join(flags.profileDir, `${kind}-${transport}`)}`] : [];
  return { kind, transport, cpus: flags.serverCpus, workers: flags.workers, nodeFlags, rxnetRoot: flags.rxnetRoot, compareRoot: flags.compareRoot, liftLimits: flags.idleConnections, onStderrLine: (line: string) => progress.note(`  ${kind} server: ${line}`) };
}

async function runScenarios(flags: BenchFlags, scenarios: readonly Scenario[], progress: Progress, exits: string[]): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const transport of ['tcp', 'udp'] as const) {
    const mine = scenarios.filter((s) => s.transport === transport);
    if (mine.length === 0) continue;
    const servers: Partial<Record<ServerKind, StartedServer>> = {};
    try {
      for (const kind of SERVER_KINDS) servers[kind] = await startServer(serverSpec(flags, kind, transport, progress));
      for (const scenario of mine) {
        const rate = rateFor(scenario, results);
        const runs: Record<ServerKind, RunSample[]> = { rxnet: [], baseline: [] };
        if (flags.warmupSeconds > 0) {
          for (const kind of SERVER_KINDS) {
            progress.step(`${scenario.id} ${kind} warm-up`);
            await measure(flags, servers[kind] as StartedServer, scenario, rate, flags.warmupSeconds, progress);
          }
        }
        for (let run = 0; run < flags.runs; run += 1) {
          // Alternate the order, so a drift over time does not favour one server.
          const order = run % 2 === 0 ? SERVER_KINDS : [...SERVER_KINDS].reverse();
          for (const kind of order) {
            progress.step(`${scenario.id} ${kind} run ${run + 1}/${flags.runs}`);
            const sample = await measure(flags, servers[kind] as StartedServer, scenario, rate, flags.seconds, progress);
            if (sample.mismatches > 0 || sample.errors > 0) progress.note(`  ${kind}: ${sample.mismatches} mismatched replies, ${sample.errors} socket errors`);
            if (sample.lost > 0) {
              progress.note(`  ${kind}: ${sample.lost} UDP requests lost (no reply within 1 s); the kernel dropped ${sample.udpReceiveDrops} datagrams for full receive buffers meanwhile`);
            }
            runs[kind].push(sample);
          }
        }
        const result = scenarioResult(scenario, rate, runs);
        results.push(result);
        progress.note(
          `${scenario.id}: rxnet ${result.median.rxnet.rps.toLocaleString('en-US')}/s, baseline ${result.median.baseline.rps.toLocaleString('en-US')}/s (${result.ratio.rps.toFixed(2)}x), p99 ratio ${result.ratio.p99.toFixed(2)}x`,
        );
      }
    } finally {
      for (const kind of SERVER_KINDS) {
        const server = servers[kind];
        if (server !== undefined) exits.push(`${kind} ${transport}: ${await server.stop()}`);
      }
    }
  }
  return results;
}

/** Open-loop rate of a scenario: a fraction of the slower server's median in the scenario it refers to. */
function rateFor(scenario: Scenario, done: readonly ScenarioResult[]): number {
  if (scenario.rateOf === undefined) return 0;
  const base = done.find((r) => r.id === scenario.rateOf?.scenario);
  if (base === undefined) return 0;
  return Math.round(scenario.rateOf.fraction * Math.min(base.median.rxnet.rps, base.median.baseline.rps));
}

async function runIdle(flags: BenchFlags, progress: Progress, exits: string[]): Promise<IdleScenarioResult> {
  const runs: Record<ServerKind, IdleResult[]> = { rxnet: [], baseline: [] };
  for (let run = 0; run < flags.runs; run += 1) {
    for (const kind of SERVER_KINDS) {
      progress.step(`${IDLE_SCENARIO} ${kind} ${flags.idleConnections} connections, run ${run + 1}/${flags.runs}`);
      // A fresh server each time, so the "before" reading is not inflated by earlier runs.
      const server = await startServer(serverSpec(flags, kind, 'tcp', progress));
      try {
        const child = startChild({
          command: [process.execPath, join(REPO_ROOT, 'dist', 'bench', 'loadGenerator.js'), '--tcp', '--host', server.host, '--port', String(server.port), '--idle', String(flags.idleConnections), '--server-pid', String(server.pid)],
          cpus: flags.loadCpus,
          onStderrLine: (line) => progress.note(`  load generator: ${line}`),
        });
        const { stdout } = await collectOutput(child, 120_000);
        const result = JSON.parse(lastLine(stdout)) as IdleResult;
        if (result.failed > 0) progress.note(`  ${kind}: ${result.failed} of ${result.connections} idle connections failed`);
        runs[kind].push(result);
      } finally {
        exits.push(`${kind} tcp (idle): ${await server.stop()}`);
      }
    }
  }
  const result = idleResult(flags.idleConnections, runs);
  progress.note(`${IDLE_SCENARIO}: rxnet ${result.bytesPerConnection.rxnet} B/conn, baseline ${result.bytesPerConnection.baseline} B/conn`);
  return result;
}

/** Prints a self-time summary of each server's profile, skipping its start-up and warm-up. */
function printProfiles(dir: string, skipMs: number): void {
  for (const kind of SERVER_KINDS) {
    for (const transport of ['tcp', 'udp']) {
      const sub = join(dir, `${kind}-${transport}`);
      let files: string[] = [];
      try {
        files = readdirSync(sub).filter((f) => f.endsWith('.cpuprofile'));
      } catch {
        continue; // not run
      }
      for (const file of files) {
        const summary = summarizeProfile(JSON.parse(readFileSync(join(sub, file), 'utf8')), 20, skipMs);
        process.stdout.write(`\nCPU profile of ${kind} ${transport} (first ${skipMs} ms skipped): ${join(sub, file)}\n${formatProfileSummary(summary)}\n`);
      }
    }
  }
}

async function main(): Promise<number> {
  let flags: BenchFlags | undefined;
  try {
    flags = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    return 2;
  }
  if (flags === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const only = flags.only;
  const wanted = (id: string): boolean => only === undefined || only.has(id);
  // A rate scenario needs the scenario it takes its rate from.
  const scenarios = SCENARIOS.filter((s) => wanted(s.id) || SCENARIOS.some((t) => wanted(t.id) && t.rateOf?.scenario === s.id));
  const idleWanted = wanted(IDLE_SCENARIO) && flags.idleConnections > 0;
  const steps = scenarios.length * SERVER_KINDS.length * (flags.runs + (flags.warmupSeconds > 0 ? 1 : 0)) + (idleWanted ? flags.runs * SERVER_KINDS.length : 0);
  const progress = new Progress(steps);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const machine = describeMachine();
  const exits: string[] = [];
  const loadAtStart = loadavg()[0] ?? 0;
  process.stderr.write(`bench: ${steps} steps; servers on CPUs ${flags.serverCpus ?? 'any'}, load generator on CPUs ${flags.loadCpus ?? 'any'}\n`);
  const results = await runScenarios(flags, scenarios, progress, exits);
  const idle = idleWanted ? await runIdle(flags, progress, exits) : undefined;
  progress.done();
  const { only: _only, pin: _pin, outDir, ...settings } = flags;
  const report: BenchReport = {
    machine,
    settings,
    startedAt,
    durationSeconds: Math.round((performance.now() - t0) / 1000),
    scenarios: results,
    idle,
    targets: checkTargets(results, idle),
    loadAverage: { start: round2(loadAtStart), end: round2(loadavg()[0] ?? 0) },
    exits,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'latest.svg'), renderSvg(report));
  process.stdout.write(formatTable(report));
  process.stdout.write(`\nwrote ${join(outDir, 'latest.json')} and latest.svg\n`);
  if (flags.profileDir !== undefined) printProfiles(flags.profileDir, 1000 + flags.warmupSeconds * 1000);
  const unclean = exits.filter((e) => !e.endsWith(': 0'));
  if (unclean.length > 0) process.stderr.write(`bench: servers that did not exit 0 on SIGTERM: ${unclean.join('; ')}\n`);
  const bad = results.reduce((n, r) => n + r.median.rxnet.mismatches + r.median.baseline.mismatches, 0);
  return bad === 0 ? 0 : 1;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write('\nbench: interrupted, stopping children\n');
  void stopAllChildren().then(() => process.exit(130));
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    process.stderr.write(`\nbench: ${err instanceof Error ? err.message : String(err)}\n`);
    await stopAllChildren();
    process.exitCode = 1;
  },
);
