import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../run/servers.js';

/** `npm run bench:redis -- --help`. */
export const REDIS_USAGE = `Usage: npm run bench:redis -- [options]
  --requests N   requests per redis-benchmark test and run (-n; default 200000, 100-1000000)
  --runs K       measured runs per server, alternating rxnet and redis-server (default 3, 1-15)
  --out FILE     where the JSON report goes (default docs/bench/redis.json)`;

/** What the command line decides. */
export interface RedisBenchFlags {
  readonly requests: number;
  readonly runs: number;
  readonly out: string;
}

/**
 * Parses `npm run bench:redis` flags; undefined for --help; throws a one-line message naming a bad flag.
 *
 * Example: `parseRedisBenchArgs(['--requests', '2000', '--runs', '1'])?.runs` is 1.
 */
export function parseRedisBenchArgs(argv: readonly string[]): RedisBenchFlags | undefined {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      requests: { type: 'string', default: '200000' },
      runs: { type: 'string', default: '3' },
      out: { type: 'string', default: join(REPO_ROOT, 'docs', 'bench', 'redis.json') },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) return undefined;
  const integer = (name: string, value: string, min: number, max: number): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new Error(`Invalid --${name} "${value}" (expected an integer ${min}-${max})`);
    return Number(value);
  };
  return { requests: integer('requests', values.requests, 100, 1_000_000), runs: integer('runs', values.runs, 1, 15), out: resolve(values.out) };
}
