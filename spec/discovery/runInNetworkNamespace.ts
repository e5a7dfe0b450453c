import { spawn } from 'node:child_process';

/** The commands that make a fresh namespace's loopback carry multicast. */
export const NAMESPACE_SETUP = 'ip link set lo up && ip link set lo multicast on && ip route add 239.0.0.0/8 dev lo';

/** Exit code of the wrapper when the namespace was made but its loopback could not be set up. */
const SETUP_FAILED = 97;

/** A node script run to completion inside its own network namespace. */
export interface NamespaceRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runInNetworkNamespace}; the defaults are what the specs use. */
export interface NamespaceOptions {
  /** The unshare program. Defaults to `unshare` (util-linux). */
  readonly unshare?: string;
  /** Shell commands run in the namespace before node. Defaults to {@link NAMESPACE_SETUP}. */
  readonly setup?: string;
  /** Kill the run after this long. Defaults to 8000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Runs `node <script> ...args` inside a new network namespace that exists only for this run
 * (`unshare -n`; `unshare -r -n` when not root) whose loopback is up and routes 239.0.0.0/8, so
 * the script's multicast never reaches a real network. The namespace goes away with the process.
 *
 * Rejects, with a message saying so, when the namespace cannot be made or set up, or the script
 * fails: a discovery test must fail then, never pass silently.
 *
 * Example: `const { stdout } = await runInNetworkNamespace('dist/spec/discovery/fixtures/ssdpScenarios.js')`
 */
export function runInNetworkNamespace(script: string, args: readonly string[] = [], options: NamespaceOptions = {}): Promise<NamespaceRun> {
  const unshare = options.unshare ?? 'unshare';
  const setup = options.setup ?? NAMESPACE_SETUP;
  const asRoot = process.getuid?.() === 0;
  const unshareArgs = [
    ...(asRoot ? ['-n'] : ['-r', '-n']),
    '--',
    'sh',
    '-c',
    `${setup} || exit ${SETUP_FAILED}; exec "$0" "$@"`,
    process.execPath,
    script,
    ...args,
  ];
  const command = `${unshare} ${asRoot ? '-n' : '-r -n'}`;
  return new Promise((resolve, reject) => {
    const child = spawn(unshare, unshareArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 8000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`Cannot create a network namespace: ${command} failed to start (${err.message}); the discovery tests need util-linux unshare and root`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const said = stderr.trim() === '' ? '' : `: ${stderr.trim()}`;
      if (code === 0) resolve({ code, stdout, stderr });
      else if (signal !== null) reject(new Error(`${script} in a network namespace was killed by ${signal}${said}`));
      else if (code === SETUP_FAILED) reject(new Error(`Cannot set up loopback multicast in the network namespace (${setup})${said}`));
      else if (/unshare/.test(stderr)) reject(new Error(`Cannot create a network namespace with ${command} (run the tests as root)${said}`));
      else reject(new Error(`${script} exited with ${String(code)} in a network namespace${said}`));
    });
  });
}
