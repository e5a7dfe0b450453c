import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FD_LIMIT } from './children.js';
import { describeMachine } from './machine.js';
import type { BenchSettings } from './results.js';
import { IDLE_SCENARIO, PROXY_SCENARIO, SCENARIOS } from './scenarios.js';
import { REPO_ROOT } from './servers.js';

/** `npm run bench -- --help`. */
export const USAGE = `Usage: npm run bench -- [options]
  --quick            1 run x 1 s per server and scenario, 0.5 s warm-up (about a minute in all)
  --seconds S        seconds per run (default 2)
  --runs N           runs per server and scenario; the median is reported (default 11)
  --warmup S         warm-up seconds per server process and scenario, not measured (default 1)
  --same-servers     measure every run of a scenario on the same server processes (by default
                     each run after the first is on fresh ones, each warmed up: two processes of
                     one server differ by up to ~15 % on this kind of VM, see docs/performance.md)
  --shared-rounds N  rounds per scenario that has them (TCP 1x1, TCP 64x32, UDP 16x32) with
                     fresh rxnet and plain servers (for UDP, plain with rxnet's receive buffer)
                     loaded at once on the one server core, whose ratios judge throughput and
                     TCP 1x1 latency (default 11; 0 to skip; none with --workers above 1,
                     --no-pin or --profile)
  --idle N           idle TCP connections for the memory scenario, 0 to skip (default 5000)
  --only IDS         comma-separated scenario ids: ${[...SCENARIOS.map((s) => s.id), IDLE_SCENARIO, PROXY_SCENARIO].join(', ')}
  --workers N        pass --workers N to the servers (rxnet's CLI must support it)
  --node-load        use the Node load generator even where the native one can be built
  --profile DIR      run the servers under node --cpu-prof (DIR/<server>-<transport>/) and
                     print self-time summaries (start-up and the first warm-up skipped;
                     implies --same-servers, so each server leaves one profile)
  --rxnet DIR        run DIR/cli/server.js as "rxnet" (another checkout, e.g. with a patched lib/)
  --compare DIR      run DIR/cli/server.js in the plain baseline's place (A/B of two lib/ versions)
  --no-metrics       run rxnet without --metrics-port 0 (by default its metrics are on, as the
                     targets require; the wiretap is always off)
  --no-pin           do not pin processes to cores with taskset
  --server-cpus L    pin the servers to CPUs L instead (e.g. 0, or 0-1)
  --load-cpus L      pin the load generator to CPUs L instead (e.g. 0 with --server-cpus 0:
                     both on one core, which makes every saturation run load-bound)
  --out DIR          where latest.json and latest.svg go (default bench/results)`;

/** Everything the command line decides. */
export interface BenchFlags extends BenchSettings {
  readonly only: ReadonlySet<string> | undefined;
  readonly pin: boolean;
  readonly outDir: string;
  readonly nodeLoad: boolean;
  /** The cores the server may use: its workers, at most the machine's cores (for the load-bound rule). */
  readonly serverCores: number;
}

const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/**
 * Parses `npm run bench` flags; undefined for --help; throws a one-line message naming a bad flag.
 *
 * Example: `parseBenchArgs(['--quick', '--only', 'tcp-c64-w32'])?.runs` is 1.
 */
export function parseBenchArgs(argv: readonly string[]): BenchFlags | undefined {
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
      'node-load': { type: 'boolean' },
      profile: { type: 'string' },
      'no-pin': { type: 'boolean' },
      'no-metrics': { type: 'boolean' },
      'same-servers': { type: 'boolean' },
      'shared-rounds': { type: 'string' },
      'server-cpus': { type: 'string' },
      'load-cpus': { type: 'string' },
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
  const cpus = (name: string, value: string | undefined): string | undefined => {
    if (value !== undefined && !CPU_LIST.test(value)) throw new Error(`Invalid --${name} "${value}" (expected a CPU list such as 0, 1 or 0-1)`);
    return value;
  };
  const only = values.only === undefined ? undefined : new Set(values.only.split(',').map((id) => id.trim()));
  for (const id of only ?? []) {
    if (id !== IDLE_SCENARIO && id !== PROXY_SCENARIO && !SCENARIOS.some((s) => s.id === id)) throw new Error(`Unknown scenario "${id}" in --only (see --help)`);
  }
  const cores = describeMachine().cores;
  const workers = Math.round(num('workers', values.workers, 1, 1, 64));
  const pin = values['no-pin'] !== true;
  let idleConnections = Math.round(num('idle', values.idle, 5000, 0, 50_000));
  if (FD_LIMIT !== undefined && idleConnections + 500 > FD_LIMIT) {
    process.stderr.write(`bench: open-file limit ${FD_LIMIT} is too low for ${idleConnections} connections; using ${FD_LIMIT - 500} (raise it with ulimit -n)\n`);
    idleConnections = Math.max(0, FD_LIMIT - 500);
  }
  const serverCpus = cpus('server-cpus', values['server-cpus']) ?? (pin ? (workers > 1 ? `0-${Math.min(workers, cores) - 1}` : '0') : undefined);
  const loadCpus = cpus('load-cpus', values['load-cpus']) ?? (pin && workers < cores ? String(cores - 1) : undefined);
  const sharedRounds = Math.round(num('shared-rounds', values['shared-rounds'], quick ? 1 : 11, 0, 25));
  // Two servers share one core only when each is one process pinned there, apart from the load.
  const canShare = workers === 1 && serverCpus !== undefined && values.profile === undefined;
  return {
    seconds: num('seconds', values.seconds, quick ? 1 : 2, 0.1, 120),
    runs: Math.round(num('runs', values.runs, quick ? 1 : 11, 1, 25)),
    warmupSeconds: num('warmup', values.warmup, quick ? 0.5 : 1, 0, 60),
    idleConnections,
    workers,
    serverCpus,
    loadCpus,
    profileDir: values.profile === undefined ? undefined : resolve(values.profile),
    rxnetRoot: values.rxnet === undefined ? undefined : resolve(values.rxnet),
    compareRoot: values.compare === undefined ? undefined : resolve(values.compare),
    metrics: values['no-metrics'] !== true,
    freshServers: values['same-servers'] !== true && values.profile === undefined,
    sharedRounds: canShare ? sharedRounds : 0,
    only,
    pin,
    outDir: resolve(values.out),
    nodeLoad: values['node-load'] === true,
    serverCores: Math.min(workers, cores),
  };
}
