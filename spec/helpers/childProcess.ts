import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/spec/helpers/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A CLI run to completion. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <script> ...args` from the repository root to completion (killed after `timeoutMs`). */
export function runCli(script: string, args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A CLI server started as a child process, with the address from its ready line. */
export interface StartedCli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly readyLine: string;
  readonly port: number;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code and signal when it exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGKILL if it is still running (test cleanup). */
  kill(): void;
}

/** Starts `node <script> ...args` and waits for a stdout line containing `listening` (rejects after `timeoutMs`). */
export function startCli(script: string, args: readonly string[], timeoutMs = 5000): Promise<StartedCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready line within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.includes('listening'));
      if (line === undefined || !stdout.includes('\n')) return;
      clearTimeout(timer);
      const port = Number(/:(\d+)$/.exec(line.trim())?.[1]);
      resolve({
        child,
        readyLine: line,
        port,
        stderr: () => stderr,
        exited,
        kill: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        },
      });
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before its ready line; stderr: ${stderr}`));
    });
  });
}
