import { spawn } from 'node:child_process';

/** A finished child process. */
export interface NpmRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * How specs install packages: from the npm cache where it can, from the registry where it must.
 * Never `--offline`, which needs a cache that only an earlier install on the same machine filled
 * (issue 10: on a fresh machine it failed with ENOTCACHED).
 */
export const NPM_INSTALL_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline'] as const;

/**
 * The environment for a child npm: the parent's (so its cache and registry settings), without
 * what `npm test` adds about this package and directory (npm_package_*, npm_lifecycle_*,
 * npm_config_local_prefix...), so the child npm acts on its own directory only.
 */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_(package_|lifecycle_|command$|config_local_prefix$)/i.test(key)),
  );
}

/**
 * Runs `command ...args` in `cwd` to completion, with npm's per-package variables removed from
 * the environment; SIGKILL after `timeoutMs`.
 *
 * Example: `await runInDirectory('npm', ['pack', '--json'], ROOT, 30000)`
 */
export function runInDirectory(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<NpmRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
