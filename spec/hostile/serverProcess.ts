import { readFileSync } from 'node:fs';
import { startCli, type StartedCli } from '../helpers/childProcess.js';

/** Resident memory of a process, from /proc/<pid>/status, in KiB: now and its peak so far. */
export interface Rss {
  /** VmRSS: resident now. */
  readonly rssKiB: number;
  /** VmHWM: the highest resident size since the process started. */
  readonly peakKiB: number;
}

/** Reads VmRSS and VmHWM of `pid` (Linux only). */
export function readRss(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
}

/** `node cli/server.js` as a child process: its port, pid, memory, and a way to stop it. */
export interface ServerProcess {
  readonly cli: StartedCli;
  readonly port: number;
  readonly pid: number;
  rss(): Rss;
  /** True while the process runs. */
  alive(): boolean;
  /** The counters of the last `stats ...` line it printed (run it with `--stats SECONDS`), or undefined. */
  lastStats(): Record<string, number> | undefined;
  /** Resolves with the counters of the next `stats` line it prints. */
  nextStats(): Promise<Record<string, number>>;
  /** Resolves with the counters once two `stats` lines in a row show the same `requests` (it has gone quiet), or after `maxLines`. */
  quietStats(maxLines?: number): Promise<Record<string, number>>;
  /**
   * Resolves with the counters of the first `stats` line from now on that `accepts`, or of the
   * last one after `maxLines`: a spec waits for the state it needs, then asserts it.
   */
  statsWhen(accepts: (stats: Record<string, number>) => boolean, maxLines?: number): Promise<Record<string, number>>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node cli/server.js --port 0 ...args` and waits for its ready line. */
export async function startServerProcess(args: readonly string[] = []): Promise<ServerProcess> {
  const cli = await startCli('cli/server.js', ['--port', '0', ...args]);
  const pid = cli.child.pid ?? 0;
  let last: Record<string, number> | undefined;
  let waiting: Array<(stats: Record<string, number>) => void> = [];
  let rest = '';
  cli.child.stdout.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('stats ')) continue;
      last = parseStats(line);
      const wake = waiting;
      waiting = [];
      for (const resolve of wake) resolve(last);
    }
  });
  const next = (): Promise<Record<string, number>> => new Promise((resolve) => waiting.push(resolve));
  return {
    cli,
    port: cli.port,
    pid,
    rss: () => readRss(pid),
    alive: () => cli.child.exitCode === null && cli.child.signalCode === null,
    lastStats: () => last,
    nextStats: next,
    quietStats: async (maxLines = 20) => {
      let previous = await next();
      for (let i = 0; i < maxLines; i += 1) {
        const current = await next();
        if (current['requests'] === previous['requests'] && current['replies'] === previous['replies']) return current;
        previous = current;
      }
      return previous;
    },
    statsWhen: async (accepts, maxLines = 50) => {
      let current = await next();
      for (let i = 1; i < maxLines && !accepts(current); i += 1) current = await next();
      return current;
    },
    stop: async (graceMs = 2000) => {
      if (cli.child.exitCode === null && cli.child.signalCode === null) {
        cli.child.kill('SIGTERM');
        const timer = setTimeout(() => cli.kill(), graceMs);
        const exit = await cli.exited;
        clearTimeout(timer);
        return exit;
      }
      return cli.exited;
    },
  };
}

/** `stats requests=3 replies=3 ... p99=40us` as `{ requests: 3, replies: 3, ..., p99: 40 }`. */
export function parseStats(line: string): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const [, key, value] of line.matchAll(/([a-z0-9-]+)=(\d+(?:\.\d+)?)/g)) {
    if (key !== undefined) counters[key] = Number(value);
  }
  return counters;
}
