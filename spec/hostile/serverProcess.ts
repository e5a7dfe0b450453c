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
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node cli/server.js --port 0 ...args` and waits for its ready line. */
export async function startServerProcess(args: readonly string[] = []): Promise<ServerProcess> {
  const cli = await startCli('cli/server.js', ['--port', '0', ...args]);
  const pid = cli.child.pid ?? 0;
  return {
    cli,
    port: cli.port,
    pid,
    rss: () => readRss(pid),
    alive: () => cli.child.exitCode === null && cli.child.signalCode === null,
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
