import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { HAS_TASKSET } from '../run/children.js';

/** The machine `npm run bench:redis` ran on, as its JSON report records it. */
export interface RedisMachine {
  readonly node: string;
  readonly redisServer: string;
  readonly redisBenchmark: string;
  readonly cpuModel: string;
  readonly nproc: number;
  readonly taskset: boolean;
}

/** The first line a command prints, or `unknown` if it cannot be run. */
function firstLine(command: string, args: readonly string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 5000 });
  return run.status === 0 ? (run.stdout.split('\n')[0]?.trim() ?? 'unknown') : 'unknown';
}

/** `model name` from /proc/cpuinfo (what node reports elsewhere). */
function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1] !== undefined) return match[1].trim();
  } catch {
    // no /proc here: fall through
  }
  return cpus()[0]?.model.trim() ?? 'unknown';
}

/** Describes this machine. Usage: `describeRedisMachine().redisServer`. */
export function describeRedisMachine(): RedisMachine {
  const nproc = Number(firstLine('nproc', []));
  return {
    node: process.version,
    redisServer: firstLine('redis-server', ['--version']),
    redisBenchmark: firstLine('redis-benchmark', ['--version']),
    cpuModel: cpuModel(),
    nproc: Number.isInteger(nproc) && nproc > 0 ? nproc : availableParallelism(),
    taskset: HAS_TASKSET,
  };
}

/** The 1-minute load average, two decimals (how busy the machine was around the run). */
export function loadAverage1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
