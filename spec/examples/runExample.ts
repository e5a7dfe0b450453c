import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/childProcess.js';

/** Where the examples are compiled to. */
export const EXAMPLES_DIR = join(ROOT, 'dist', 'examples');

/** An example run to completion. */
export interface ExampleRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time, for the report only (never asserted). */
  readonly ms: number;
}

/** Options of a child run. */
export interface RunOptions {
  /** Added to the parent's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** SIGKILL after this long. Defaults to 8000 ms. */
  readonly timeoutMs?: number;
}

function spawnExample(name: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [join(EXAMPLES_DIR, `${name}.js`), ...args], {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, ...env },
  });
}

/**
 * Runs `node dist/examples/<name>.js ...args` to completion. Never rejects: a spawn failure is a
 * run with code null and the error on stderr, so runs started early can be awaited later.
 */
export function runExample(name: string, args: readonly string[], options: RunOptions = {}): Promise<ExampleRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawnExample(name, args, options.env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 8000);
    child.on('error', (err) => (stderr += String(err)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
    child.stdin.end();
  });
}

/** An example running as a server. */
export interface RunningExample {
  readonly readyLine: string;
  readonly port: number;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with how it exited (SIGKILL after 3 s if it does not). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts an example in its default (server) mode and waits for its `listening ... HOST:PORT` line. */
export function startExample(name: string, args: readonly string[], options: RunOptions = {}): Promise<RunningExample> {
  return new Promise((resolve, reject) => {
    const child = spawnExample(name, args, options.env);
    let stdout = '';
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name}: no ready line within ${options.timeoutMs ?? 5000} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? 5000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((candidate, index, all) => index < all.length - 1 && candidate.startsWith('listening '));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve({
        readyLine: line,
        port: Number(/:(\d+)$/.exec(line)?.[1]),
        stdout: () => stdout,
        stderr: () => stderr,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
          try {
            return await exited;
          } finally {
            clearTimeout(kill);
          }
        },
      });
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before its ready line; stderr: ${stderr}`));
    });
  });
}

/** The numbers a regular expression captures in `text`, or a failed assertion's message. */
export function numbersIn(text: string, pattern: RegExp): number[] {
  const match = pattern.exec(text);
  if (match === null) throw new Error(`no match for ${String(pattern)} in:\n${text}`);
  return match.slice(1).map(Number);
}
