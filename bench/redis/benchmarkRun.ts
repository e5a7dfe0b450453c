import { collectOutput, HAS_TASKSET, startChild } from '../run/children.js';
import { parseBenchmarkCsv, type BenchmarkRow } from './benchmarkCsv.js';

/** How long one redis-benchmark run may take before it is killed (by PID) and the bench fails. */
export const BENCHMARK_TIMEOUT_MS = 60_000;

/** The fixed load: 50 clients, 16 requests pipelined, SET and GET. */
export const BENCHMARK_CLIENTS = 50;
export const BENCHMARK_PIPELINE = 16;

/** redis-benchmark's arguments against 127.0.0.1:port. */
export function benchmarkArgs(port: number | string, requests: number): string[] {
  return ['-h', '127.0.0.1', '-p', String(port), '-t', 'set,get', '-P', String(BENCHMARK_PIPELINE), '-n', String(requests), '-c', String(BENCHMARK_CLIENTS), '--csv'];
}

/** The command as a person would type it (with the taskset prefix when pinned). */
export function benchmarkCommandLine(port: number | string, requests: number, cpus: string | undefined): string {
  const pin = cpus !== undefined && HAS_TASKSET ? `taskset -c ${cpus} ` : '';
  return `${pin}redis-benchmark ${benchmarkArgs(port, requests).join(' ')}`;
}

/**
 * Runs redis-benchmark once (pinned to `cpus` where taskset exists), bounded by
 * BENCHMARK_TIMEOUT_MS; resolves with its CSV rows, rejects on a failure, a timeout or no rows.
 *
 * Example: `const rows = await runBenchmark(6379, 200000, '1')`
 */
export async function runBenchmark(port: number, requests: number, cpus: string | undefined): Promise<BenchmarkRow[]> {
  let lastStderr = '';
  const child = startChild({
    command: ['redis-benchmark', ...benchmarkArgs(port, requests)],
    ...(cpus === undefined ? {} : { cpus }),
    onStderrLine: (line) => {
      if (line.trim() !== '') lastStderr = line.trim();
    },
  });
  const { stdout, code } = await collectOutput(child, BENCHMARK_TIMEOUT_MS);
  const why = lastStderr === '' ? '' : ` (stderr: ${lastStderr.slice(0, 200)})`;
  if (code === null) throw new Error(`redis-benchmark against port ${port} was killed after ${BENCHMARK_TIMEOUT_MS / 1000} s${why}`);
  if (code !== 0) throw new Error(`redis-benchmark against port ${port} exited with code ${code}${why}`);
  const rows = parseBenchmarkCsv(stdout);
  if (rows.length === 0) throw new Error(`redis-benchmark against port ${port} printed no CSV rows${why}`);
  return rows;
}
