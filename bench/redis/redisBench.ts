import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { isMain } from '../isMain.js';
import { stopAllChildren } from '../run/children.js';
import { REPO_ROOT } from '../run/servers.js';
import type { BenchmarkRow } from './benchmarkCsv.js';
import { BENCHMARK_CLIENTS, BENCHMARK_PIPELINE, BENCHMARK_TIMEOUT_MS, benchmarkCommandLine, runBenchmark } from './benchmarkRun.js';
import { parseRedisBenchArgs, REDIS_USAGE, type RedisBenchFlags } from './redisArgs.js';
import { describeRedisMachine, loadAverage1, type RedisMachine } from './redisMachine.js';
import { startRedisBenchServer, type RunningServer } from './redisServers.js';
import { REDIS_SERVERS, summarizeRedisRuns, type RedisServer, type TestSummary } from './redisSummary.js';
import { formatRedisTable } from './redisTable.js';

/**
 * `npm run bench:redis` (issue 13): `redis-benchmark -t set,get -P 16` against
 * examples/respServer.ts and against the real redis-server, in one run on the same cores: both
 * servers pinned to CPU 0, redis-benchmark to CPU 1 (unpinned, and said so, without taskset). One
 * unmeasured warm-up run per server, then K measured runs alternating rxnet, redis-server, ...;
 * the medians go to stdout as a markdown table and, with every run, to docs/bench/redis.json.
 *
 *   npm run bench:redis -- --requests 200000 --runs 3
 */
export interface RedisBenchReport {
  readonly issue: 13;
  readonly startedAt: string;
  readonly seconds: number;
  /** The measured command, with the taskset prefix when pinned; PORT is each server's. */
  readonly command: string;
  readonly settings: {
    readonly requests: number;
    readonly runs: number;
    readonly warmupRequests: number;
    readonly clients: number;
    readonly pipeline: number;
    readonly timeoutSeconds: number;
    readonly pinned: boolean;
    readonly serverCpus: string | null;
    readonly loadCpus: string | null;
  };
  readonly machine: RedisMachine;
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly tests: readonly TestSummary[];
  readonly runs: readonly { readonly index: number; readonly server: RedisServer; readonly rows: readonly BenchmarkRow[] }[];
}

/** The servers of the run in progress, so a signal can stop them by PID. */
const active = new Set<RunningServer>();

/** The unmeasured warm-up: enough for rxnet's JIT, a fraction of a second against either. */
export function warmupRequests(requests: number): number {
  return Math.min(requests, 50_000);
}

/** Runs the comparison; progress on stderr. Example: `await measureRedis({ requests: 2000, runs: 1, out })`. */
export async function measureRedis(flags: RedisBenchFlags): Promise<RedisBenchReport> {
  const started = Date.now();
  const machine = describeRedisMachine();
  const serverCpus = machine.taskset ? '0' : undefined;
  const loadCpus = machine.taskset && machine.nproc >= 2 ? '1' : undefined;
  const loadStart = loadAverage1();
  const warmup = warmupRequests(flags.requests);
  const runs: { index: number; server: RedisServer; rows: BenchmarkRow[] }[] = [];
  try {
    const servers = new Map<RedisServer, RunningServer>();
    for (const name of REDIS_SERVERS) {
      const server = await startRedisBenchServer(name, serverCpus);
      active.add(server);
      servers.set(name, server);
      process.stderr.write(`bench:redis: ${name} pid ${server.pid} on 127.0.0.1:${server.port}, CPU ${serverCpus ?? 'any'}\n`);
    }
    for (const [name, server] of servers) {
      await runBenchmark(server.port, warmup, loadCpus);
      process.stderr.write(`bench:redis: warmed up ${name} (${warmup} requests per test)\n`);
    }
    for (let index = 0; index < flags.runs; index += 1) {
      for (const [name, server] of servers) {
        const rows = await runBenchmark(server.port, flags.requests, loadCpus);
        runs.push({ index, server: name, rows });
        process.stderr.write(`bench:redis: run ${index + 1}/${flags.runs} ${name}: ${rows.map((r) => `${r.test} ${Math.round(r.rps)} rps`).join(', ')}\n`);
      }
    }
  } finally {
    await Promise.all([...active].map(async (server) => (await server.stop(), active.delete(server))));
  }
  return {
    issue: 13,
    startedAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    command: benchmarkCommandLine('PORT', flags.requests, loadCpus),
    settings: {
      requests: flags.requests,
      runs: flags.runs,
      warmupRequests: warmup,
      clients: BENCHMARK_CLIENTS,
      pipeline: BENCHMARK_PIPELINE,
      timeoutSeconds: BENCHMARK_TIMEOUT_MS / 1000,
      pinned: serverCpus !== undefined,
      serverCpus: serverCpus ?? null,
      loadCpus: loadCpus ?? null,
    },
    machine,
    loadAverage: { start: loadStart, end: loadAverage1() },
    tests: summarizeRedisRuns(runs),
    runs,
  };
}

/** The report as markdown: what ran where, then the table. */
export function formatRedisReport(report: RedisBenchReport): string {
  const m = report.machine;
  const s = report.settings;
  const pinning = s.pinned
    ? `servers pinned to CPU ${s.serverCpus}, redis-benchmark to CPU ${s.loadCpus ?? 'any (one core only)'} (taskset)`
    : 'unpinned: taskset not found, servers and redis-benchmark share every core';
  return [
    `machine: ${m.cpuModel}, nproc ${m.nproc}, Node ${m.node}, ${m.redisServer}, ${m.redisBenchmark}; load average ${report.loadAverage.start} at start, ${report.loadAverage.end} at end`,
    `command: \`${report.command}\`, ${s.runs} run(s) per server alternating (median shown), after a ${s.warmupRequests}-request warm-up; ${pinning}`,
    '',
    formatRedisTable(report.tests),
  ].join('\n');
}

/** The command line: exit code 0, 1 (the bench failed) or 2 (a bad flag). */
async function main(argv: readonly string[]): Promise<number> {
  let flags: RedisBenchFlags | undefined;
  try {
    flags = parseRedisBenchArgs(argv);
  } catch (err) {
    process.stderr.write(`bench:redis: ${(err as Error).message.split('\n')[0]} (see --help)\n`);
    return 2;
  }
  if (flags === undefined) {
    process.stdout.write(`${REDIS_USAGE}\n`);
    return 0;
  }
  try {
    const report = await measureRedis(flags);
    process.stdout.write(`${formatRedisReport(report)}\n`);
    mkdirSync(dirname(flags.out), { recursive: true });
    writeFileSync(flags.out, `${JSON.stringify(report, null, 2)}\n`);
    const shown = relative(REPO_ROOT, flags.out);
    process.stderr.write(`bench:redis: wrote ${shown.startsWith('..') ? flags.out : shown}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`bench:redis: ${(err as Error).message}\n`);
    return 1;
  }
}

if (isMain(import.meta.url)) {
  const interrupted = (signal: NodeJS.Signals): void => {
    process.stderr.write(`bench:redis: ${signal}, stopping the servers\n`);
    void Promise.all([...active].map((server) => server.stop()))
      .then(() => stopAllChildren())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  process.exitCode = await main(process.argv.slice(2));
}
