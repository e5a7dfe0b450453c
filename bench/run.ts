/**
 * `npm run bench`: rxnet's server against a plain-Node baseline written with net/dgram alone,
 * scenario by scenario, each server and the load generator in their own processes pinned to
 * different cores (taskset). The load generator is native (bench/native/calcload.c, built with
 * the system's `cc` on first use); without a C compiler the Node one is used, and the table says
 * so. Every closed-loop run reports the server's CPU use beside the generator's; a run where the
 * server idles while the generator is saturated is load-bound, and no ratio is quoted from it.
 * Prints a progress display on stderr, a table on stdout, and writes bench/results/latest.json
 * and latest.svg. Every child is stopped by PID; every run is bounded in requests and time.
 *
 *   npm run bench                        # ~16 minutes: 11 runs x 2 s per server and scenario, fresh servers each run, 11 shared-core rounds
 *   npm run bench -- --quick             # ~1 minute: 1 run x 1 s
 *   npm run bench -- --only tcp-c64-w32 --seconds 5 --runs 5
 *   npm run bench -- --workers 2         # pass --workers 2 to the servers
 *   npm run bench -- --profile /tmp/prof # the servers under node --cpu-prof, summarised at the end
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatProfileSummary, summarizeProfile } from './cpuProfileSummary.js';
import type { IdleResult } from './load/idleTcp.js';
import { USAGE, parseBenchArgs, type BenchFlags } from './run/benchArgs.js';
import { collectOutput, startChild, stopAllChildren } from './run/children.js';
import type { ProxyBenchResult } from './proxy/proxyBench.js';
import { formatTable } from './run/formatTable.js';
import { describeMachine } from './run/machine.js';
import { lastJsonLine, measure, type LoadGenerator, type MeasureSetup } from './run/measure.js';
import { buildNativeGenerator } from './run/nativeGenerator.js';
import { Progress } from './run/Progress.js';
import { renderSvg } from './run/renderSvg.js';
import { runSharedCore, type SharedCoreOptions } from './run/sharedCore.js';
import type { BenchReport, GeneratorInfo, IdleScenarioResult, RunSample, ScenarioResult } from './run/results.js';
import { IDLE_SCENARIO, IDLE_SERVERS, PROXY_SCENARIO, SCENARIOS, type Scenario } from './run/scenarios.js';
import { REPO_ROOT, SERVER_KINDS, SERVER_LABELS, YARDSTICK, startServer, type ServerKind, type StartedServer } from './run/servers.js';
import { checkTargets, idleResult, runOrder, scenarioResult } from './run/summarize.js';

function serverSpec(flags: BenchFlags, kind: ServerKind, transport: 'tcp' | 'udp', progress: Progress) {
  const nodeFlags = flags.profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${join(flags.profileDir, `${kind}-${transport}`)}`] : [];
  return { kind, transport, cpus: flags.serverCpus, workers: flags.workers, nodeFlags, rxnetRoot: flags.rxnetRoot, compareRoot: flags.compareRoot, liftLimits: flags.idleConnections, metrics: flags.metrics, onStderrLine: (line: string) => progress.note(`  ${SERVER_LABELS[kind]} server: ${line}`) };
}

/** One line per run that needs a word: wrong replies, losses, a load-bound run. */
function noteSample(progress: Progress, kind: ServerKind, sample: RunSample): void {
  const label = SERVER_LABELS[kind];
  if (sample.mismatches > 0 || sample.errors > 0 || sample.unanswered > 0) {
    progress.note(`  ${label}: ${sample.mismatches} mismatched replies, ${sample.errors} socket errors, ${sample.unanswered} unanswered`);
  }
  if (sample.lost > 0) {
    progress.note(`  ${label}: ${sample.lost} UDP requests lost (${sample.late} replies came late); the kernel dropped ${sample.udpReceiveDrops} datagrams for full receive buffers meanwhile`);
  }
  if (sample.loadBound !== undefined) {
    progress.note(
      `  ${label}: load-bound, ${sample.loadBound} (server ${sample.serverCpuPercent}% of its core + ${sample.serverWaitPercent}% waiting for it, generator ${sample.loadCpuPercent}% + ${sample.loadWaitPercent}% waiting)`,
    );
  }
}

function summaryLine(result: ScenarioResult): string {
  const parts = result.servers.map((kind) => {
    const m = result.median[kind];
    const ratio = result.ratios[kind];
    const vs = kind === YARDSTICK ? '' : ratio === null ? ' (no ratio: load-bound)' : ratio === undefined ? '' : ` (${ratio.rps.toFixed(2)}x, p99 ${ratio.p99.toFixed(2)}x)`;
    return `${SERVER_LABELS[kind]} ${m?.rps.toLocaleString('en-US') ?? '-'}/s${vs}`;
  });
  const shared = result.sharedCore;
  const sharedPart = shared === undefined || shared.rounds.length === 0 ? '' : `; shared core ${shared.rps === null ? 'load-bound' : `${shared.rps.median.toFixed(2)}x`}, p50 ${shared.p50.median.toFixed(2)}x`;
  return `${result.id}: ${parts.join(', ')}${sharedPart}`;
}

async function runScenarios(flags: BenchFlags, setup: MeasureSetup, scenarios: readonly Scenario[], exits: string[]): Promise<ScenarioResult[]> {
  const { progress } = setup;
  const results: ScenarioResult[] = [];
  for (const transport of ['tcp', 'udp'] as const) {
    const mine = scenarios.filter((s) => s.transport === transport);
    if (mine.length === 0) continue;
    const kinds = SERVER_KINDS.filter((kind) => mine.some((s) => s.servers.includes(kind)));
    const servers: Partial<Record<ServerKind, StartedServer>> = {};
    try {
      for (const kind of kinds) servers[kind] = await startServer(serverSpec(flags, kind, transport, progress));
      for (const scenario of mine) {
        const rate = rateFor(scenario, results);
        const runs: Partial<Record<ServerKind, RunSample[]>> = {};
        if (flags.warmupSeconds > 0) {
          for (const kind of scenario.servers) {
            progress.step(`${scenario.id} ${SERVER_LABELS[kind]} warm-up`);
            await measure(setup, servers[kind] as StartedServer, scenario, rate, flags.warmupSeconds);
          }
        }
        for (let run = 0; run < flags.runs; run += 1) {
          for (const kind of runOrder(scenario.servers, run)) {
            if (flags.freshServers && run > 0) {
              // Two processes of one server differ by up to ~15 % here (docs/performance.md): a run on
              // fresh processes each time samples that, instead of letting one process pair decide.
              progress.step(`${scenario.id} ${SERVER_LABELS[kind]} fresh server${flags.warmupSeconds > 0 ? ', warm-up' : ''}`);
              const old = servers[kind] as StartedServer;
              delete servers[kind];
              exits.push(`${kind} ${transport}: ${await old.stop()}`);
              servers[kind] = await startServer(serverSpec(flags, kind, transport, progress));
              if (flags.warmupSeconds > 0) await measure(setup, servers[kind] as StartedServer, scenario, rate, flags.warmupSeconds);
            }
            progress.step(`${scenario.id} ${SERVER_LABELS[kind]} run ${run + 1}/${flags.runs}`);
            const sample = await measure(setup, servers[kind] as StartedServer, scenario, rate, flags.seconds);
            noteSample(progress, kind, sample);
            (runs[kind] ??= []).push(sample);
          }
        }
        const sharedCore = scenario.sharedCore !== undefined && (flags.sharedRounds ?? 0) > 0 ? await runSharedCore(setup, scenario, rate, sharedOptions(flags, transport, progress, exits)) : undefined;
        const result = { ...scenarioResult(scenario, rate, runs), sharedCore };
        results.push(result);
        progress.note(summaryLine(result));
      }
    } finally {
      for (const kind of kinds) {
        const server = servers[kind];
        if (server !== undefined) exits.push(`${kind} ${transport}: ${await server.stop()}`);
      }
    }
  }
  return results;
}

function sharedOptions(flags: BenchFlags, transport: 'tcp' | 'udp', progress: Progress, exits: string[]): SharedCoreOptions {
  const start = (kind: ServerKind): Promise<StartedServer> => startServer(serverSpec(flags, kind, transport, progress));
  return { rounds: flags.sharedRounds ?? 0, seconds: flags.seconds, warmupSeconds: flags.warmupSeconds, start, exits };
}

/** Open-loop rate of a scenario: a fraction of the slowest server's median in the scenario it refers to. */
function rateFor(scenario: Scenario, done: readonly ScenarioResult[]): number {
  if (scenario.rateOf === undefined) return 0;
  const base = done.find((r) => r.id === scenario.rateOf?.scenario);
  if (base === undefined) return 0;
  const slowest = Math.min(...scenario.servers.map((kind) => base.median[kind]?.rps ?? Number.POSITIVE_INFINITY));
  return Number.isFinite(slowest) ? Math.round(scenario.rateOf.fraction * slowest) : 0;
}

async function runIdle(flags: BenchFlags, progress: Progress, exits: string[]): Promise<IdleScenarioResult> {
  const runs: Partial<Record<ServerKind, IdleResult[]>> = {};
  for (let run = 0; run < flags.runs; run += 1) {
    for (const kind of IDLE_SERVERS) {
      progress.step(`${IDLE_SCENARIO} ${SERVER_LABELS[kind]} ${flags.idleConnections} connections, run ${run + 1}/${flags.runs}`);
      // A fresh server each time, so the "before" reading is not inflated by earlier runs.
      const server = await startServer(serverSpec(flags, kind, 'tcp', progress));
      try {
        const child = startChild({
          command: [process.execPath, join(REPO_ROOT, 'dist', 'bench', 'loadGenerator.js'), '--tcp', '--host', server.host, '--port', String(server.port), '--idle', String(flags.idleConnections), '--server-pid', String(server.pid)],
          cpus: flags.loadCpus,
          onStderrLine: (line) => progress.note(`  load generator: ${line}`),
        });
        const { stdout } = await collectOutput(child, 120_000);
        const result = JSON.parse(lastJsonLine(stdout)) as IdleResult;
        if (result.failed > 0) progress.note(`  ${SERVER_LABELS[kind]}: ${result.failed} of ${result.connections} idle connections failed`);
        (runs[kind] ??= []).push(result);
      } finally {
        exits.push(`${kind} tcp (idle): ${await server.stop()}`);
      }
    }
  }
  const result = idleResult(flags.idleConnections, runs);
  progress.note(`${IDLE_SCENARIO}: rxnet ${result.bytesPerConnection.rxnet} B/conn, plain ${result.bytesPerConnection.plain} B/conn (${result.ratio.toFixed(2)}x)`);
  return result;
}

/** The impairment proxy against a plain pipe proxy, in a child process on the servers' cores. */
async function runProxy(flags: BenchFlags, progress: Progress): Promise<ProxyBenchResult> {
  progress.step(`${PROXY_SCENARIO} rxnet proxy vs a plain net pipe proxy, ${flags.runs} run(s)`);
  const child = startChild({
    command: [process.execPath, join(REPO_ROOT, 'dist', 'bench', 'proxy', 'proxyBench.js'), '--runs', String(flags.runs), '--mebibytes', String(Math.max(20, Math.round(100 * flags.seconds)))],
    cpus: flags.serverCpus,
    onStderrLine: (line) => progress.note(`  proxy bench: ${line}`),
  });
  const { stdout } = await collectOutput(child, 300_000);
  const result = JSON.parse(lastJsonLine(stdout)) as ProxyBenchResult;
  progress.note(`${PROXY_SCENARIO}: adds ${result.addedP50Micros} µs at p50; throughput rxnet/plain ${result.throughputRatio.toFixed(2)}x`);
  return result;
}

/** The native generator, built if need be; the Node one if asked for or if it cannot be built (saying why on stderr). */
function chooseGenerator(flags: BenchFlags): { generator: LoadGenerator; info: GeneratorInfo } {
  if (flags.nodeLoad) return { generator: { kind: 'node' }, info: { kind: 'node', fallbackReason: '--node-load' } };
  const native = buildNativeGenerator();
  if (native.ok) {
    if (native.built) process.stderr.write(`bench: built the native load generator ${native.binary}\n`);
    return { generator: { kind: 'native', binary: native.binary, mixFile: native.mixFile }, info: { kind: 'native' } };
  }
  process.stderr.write(`bench: ${native.reason}; falling back to the Node load generator (it may bound the figures: see the load-bound column)\n`);
  return { generator: { kind: 'node' }, info: { kind: 'node', fallbackReason: native.reason } };
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
        process.stdout.write(`\nCPU profile of ${SERVER_LABELS[kind]} ${transport} (first ${skipMs} ms skipped): ${join(sub, file)}\n${formatProfileSummary(summary)}\n`);
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
  const proxyWanted = wanted(PROXY_SCENARIO);
  const perScenario = flags.runs + (flags.warmupSeconds > 0 ? 1 : 0) + (flags.freshServers ? flags.runs - 1 : 0);
  const sharedRounds = flags.sharedRounds ?? 0;
  const sharedSteps = (s: Scenario): number => (s.sharedCore !== undefined ? 2 * sharedRounds : 0);
  const steps = scenarios.reduce((n, s) => n + s.servers.length * perScenario + sharedSteps(s), 0) + (idleWanted ? flags.runs * IDLE_SERVERS.length : 0) + (proxyWanted ? 1 : 0);
  const { generator, info } = chooseGenerator(flags);
  const progress = new Progress(steps);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const machine = describeMachine();
  const exits: string[] = [];
  const loadAtStart = loadavg()[0] ?? 0;
  process.stderr.write(`bench: ${steps} steps; servers on CPUs ${flags.serverCpus ?? 'any'}, ${info.kind} load generator on CPUs ${flags.loadCpus ?? 'any'}\n`);
  const setup: MeasureSetup = { generator, loadCpus: flags.loadCpus, serverCores: flags.serverCores, progress };
  const results = await runScenarios(flags, setup, scenarios, exits);
  const idle = idleWanted ? await runIdle(flags, progress, exits) : undefined;
  const proxy = proxyWanted ? await runProxy(flags, progress) : undefined;
  progress.done();
  const { only: _only, pin: _pin, outDir, ...settings } = flags;
  const report: BenchReport = {
    machine,
    settings,
    generator: info,
    startedAt,
    durationSeconds: Math.round((performance.now() - t0) / 1000),
    scenarios: results,
    idle,
    proxy,
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
  const bad = results.reduce((n, r) => n + Object.values(r.median).reduce((m, summary) => m + summary.mismatches, 0), 0);
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
