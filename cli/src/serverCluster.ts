import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { EXIT_FAILED, EXIT_OK } from './runMain.js';

/** The environment variable that hands every worker the same SSDP UUID. */
export const WORKER_UUID_VARIABLE = 'RXNET_SSDP_UUID';

/** What a worker tells the primary once it listens. */
interface ReadyMessage {
  readonly rxnet: 'ready';
  readonly line: string;
}

function isReady(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { rxnet?: unknown }).rxnet === 'ready';
}

/** In a worker: tells the primary the ready line instead of printing it. */
export function reportReady(line: string): void {
  process.send?.({ rxnet: 'ready', line } satisfies ReadyMessage);
}

/** True in a worker process of `--workers`. */
export function isWorker(): boolean {
  return cluster.isWorker;
}

/**
 * The primary of `--workers N`: forks N copies of this command (each a worker serving the same
 * port through node:cluster), prints one ready line once all listen, and on SIGINT/SIGTERM asks
 * each to close gracefully and exits 0 when all have exited (at most `deadlineMs` later).
 * A worker that fails before it is ready stops the others and the primary exits 1.
 *
 * Example: `await runPrimary(2, 2000)`
 */
export function runPrimary(workerCount: number, deadlineMs: number): Promise<number> {
  return new Promise((resolve) => {
    const workers: Worker[] = [];
    const lines: string[] = [];
    let stopping = false;
    let failed = false;

    const stopAll = (): void => {
      if (stopping) return;
      stopping = true;
      for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGTERM');
      setTimeout(() => {
        for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGKILL');
      }, deadlineMs).unref();
    };
    const onSignal = (): void => stopAll();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    const env = { [WORKER_UUID_VARIABLE]: randomUUID() };
    for (let i = 0; i < workerCount; i += 1) {
      const worker = cluster.fork(env);
      workers.push(worker);
      worker.on('message', (message: unknown) => {
        if (!isReady(message)) return;
        lines.push(message.line);
        if (lines.length === workerCount) {
          process.stdout.write(`${lines[0] ?? ''}\n`);
          process.stderr.write(`${workerCount} workers\n`);
        }
      });
      worker.on('exit', (code) => {
        if (!stopping && code !== 0) {
          failed = true;
          stopAll();
        }
        if (workers.every((w) => w.isDead())) {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve(failed ? EXIT_FAILED : EXIT_OK);
        }
      });
    }
  });
}
