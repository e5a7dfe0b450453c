import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, stopChild, waitForLine } from '../run/children.js';
import { REPO_ROOT } from '../run/servers.js';
import type { RedisServer } from './redisSummary.js';

/**
 * The two servers `npm run bench:redis` measures, each a child process pinned to `cpus` (when
 * taskset exists) and stopped by PID: rxnet's examples/respServer.ts and the real redis-server,
 * with persistence off and a scratch directory of its own.
 *
 * Example: `const server = await startRedisBenchServer('redis-server', '0'); ...; await server.stop()`
 */
export interface RunningServer {
  readonly server: RedisServer;
  readonly pid: number;
  readonly port: number;
  /** SIGTERM, then SIGKILL after a bound; resolves with how it ended. Safe to call twice. */
  stop(): Promise<string>;
}

const START_TIMEOUT_MS = 10_000;

/** A port that was free on 127.0.0.1 a moment ago (for redis-server, which cannot take port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts one server and waits until it is ready. */
export async function startRedisBenchServer(server: RedisServer, cpus: string | undefined): Promise<RunningServer> {
  let lastStderr = '';
  const onStderrLine = (line: string): void => {
    lastStderr = line;
  };
  let port: number;
  let ready: RegExp;
  let scratch: string | undefined;
  let command: string[];
  if (server === 'rxnet') {
    command = [process.execPath, join(REPO_ROOT, 'dist', 'examples', 'respServer.js'), '--port', '0'];
    ready = /^listening tcp \S+:\d+$/;
    port = 0;
  } else {
    port = await freePort();
    scratch = mkdtempSync(join(tmpdir(), 'rxnet-redis-bench-'));
    command = ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', scratch];
    ready = /Ready to accept connections/;
  }
  const child = startChild({ command, ...(cpus === undefined ? {} : { cpus }), onStderrLine });
  const stop = async (): Promise<string> => {
    const how = await stopChild(child, 3000);
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
    return how;
  };
  try {
    const line = await waitForLine(child, ready, START_TIMEOUT_MS);
    if (server === 'rxnet') port = Number(/:(\d+)$/.exec(line)?.[1]);
  } catch (err) {
    await stop();
    throw new Error(`${server} did not start: ${(err as Error).message}${lastStderr === '' ? '' : ` (stderr: ${lastStderr})`}`);
  }
  if (child.pid === undefined || !(port > 0)) {
    await stop();
    throw new Error(`${server} started without a PID or port`);
  }
  return { server, pid: child.pid, port, stop };
}
