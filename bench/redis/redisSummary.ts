import { median } from '../run/median.js';
import type { BenchmarkRow } from './benchmarkCsv.js';

/**
 * The medians of `npm run bench:redis`: per redis-benchmark test (SET, GET), each server's median
 * rps and median p50/p99 over its runs, and rxnet's rps as a fraction of redis-server's.
 *
 * Example: `summarizeRedisRuns([{ server: 'rxnet', rows }, { server: 'redis-server', rows }])[0].ratio`
 */
export const REDIS_SERVERS = ['rxnet', 'redis-server'] as const;
export type RedisServer = (typeof REDIS_SERVERS)[number];

/** One redis-benchmark run against one server. */
export interface RedisRun {
  readonly server: RedisServer;
  readonly rows: readonly BenchmarkRow[];
}

/** One server's figures for one test: medians over its runs (NaN where no run gave the figure). */
export interface ServerFigures {
  readonly runs: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Every run's rps, in run order, to show the spread. */
  readonly rpsByRun: readonly number[];
}

/** One test: both servers and rxnet rps / redis-server rps. */
export interface TestSummary {
  readonly test: string;
  readonly servers: Readonly<Record<RedisServer, ServerFigures>>;
  readonly ratio: number;
}

function figures(rows: readonly BenchmarkRow[]): ServerFigures {
  const of = (pick: (row: BenchmarkRow) => number | undefined): number[] => rows.map(pick).filter((n): n is number => n !== undefined);
  return { runs: rows.length, rps: median(of((r) => r.rps)), p50Ms: median(of((r) => r.p50Ms)), p99Ms: median(of((r) => r.p99Ms)), rpsByRun: of((r) => r.rps) };
}

/** Groups the runs by test (in the order the tests first appear) and takes the medians. */
export function summarizeRedisRuns(runs: readonly RedisRun[]): TestSummary[] {
  const tests = [...new Set(runs.flatMap((run) => run.rows.map((row) => row.test)))];
  return tests.map((test) => {
    const rowsOf = (server: RedisServer): BenchmarkRow[] => runs.filter((run) => run.server === server).flatMap((run) => run.rows.filter((row) => row.test === test));
    const servers = { rxnet: figures(rowsOf('rxnet')), 'redis-server': figures(rowsOf('redis-server')) };
    return { test, servers, ratio: servers.rxnet.rps / servers['redis-server'].rps };
  });
}
