import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Child processes of a bench run: started through `sh -c` to raise the open-file limit and
 * `taskset` to pin them to cores, tracked by PID, and stopped by PID (never by name).
 */

/** Every child still running, by PID, so an interrupted run can stop them. */
const running = new Map<number, ChildProcess>();

/** True when `taskset` can be run here. */
export const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** The hard open-file limit of children (the soft limit is raised to it), or undefined if unknown. */
export const FD_LIMIT: number | undefined = (() => {
  const out = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim();
  return out === 'unlimited' ? Number.MAX_SAFE_INTEGER : /^\d+$/.test(out) ? Number(out) : undefined;
})();

/** How to start one child: the command, its CPUs (`0`, `0-1`) or none, and what to do with its stderr lines. */
export interface ChildSpec {
  readonly command: readonly string[];
  readonly cpus?: string;
  readonly onStderrLine?: (line: string) => void;
}

/** Spawns `spec.command` with a raised fd limit, pinned when asked and possible. The PID is the command's own (exec). */
export function startChild(spec: ChildSpec): ChildProcess {
  const pinned = spec.cpus !== undefined && HAS_TASKSET ? ['taskset', '-c', spec.cpus, ...spec.command] : [...spec.command];
  const script = 'ulimit -Sn "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
  const child = spawn('sh', ['-c', script, 'sh', ...pinned], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) running.set(child.pid, child);
  child.once('exit', () => {
    if (child.pid !== undefined) running.delete(child.pid);
  });
  const onLine = spec.onStderrLine;
  if (onLine !== undefined) createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
  else child.stderr?.resume();
  return child;
}

/** Resolves with the child's first stdout line matching `pattern`, or rejects after `timeoutMs` or if it exits first. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const done = (err: Error | undefined, line = ''): void => {
      clearTimeout(timer);
      lines.off('line', onLine);
      child.off('exit', onExit);
      if (err === undefined) resolve(line);
      else reject(err);
    };
    const onLine = (line: string): void => {
      if (pattern.test(line)) done(undefined, line);
    };
    const onExit = (code: number | null, signal: string | null): void => done(new Error(`exited (${signal ?? `code ${code}`}) before printing ${pattern}`));
    const timer = setTimeout(() => done(new Error(`no ${pattern} line within ${timeoutMs} ms`)), timeoutMs);
    lines.on('line', onLine);
    child.once('exit', onExit);
  });
}

/**
 * Resolves with all of the child's stdout and its exit code once it has exited and its stdout has
 * closed; kills it (by PID) after `timeoutMs`. It waits for 'close', not 'exit': Node may emit
 * 'exit' before the last of stdout has been read (a loaded bench lost a generator's whole JSON
 * line that way, "printed no result").
 */
export function collectOutput(child: ChildProcess, timeoutMs: number): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve) => {
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, code });
    });
  });
}

/**
 * Stops a child by its PID: SIGTERM, then SIGKILL if it has not exited within `graceMs`.
 * Resolves with how it ended: `0` / a code, or the signal name.
 */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(String(child.exitCode ?? child.signalCode));
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(String(code ?? signal));
    });
    child.kill('SIGTERM');
  });
}

/** Stops every child still running (on an interrupted run). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running.values()].map((child) => stopChild(child, 1000)));
}
