import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { aggregatedMetrics } from '../../lib/index.js';
import { startMetrics, type MetricsAddress } from './startMetrics.js';
import { superviseWorkers, type ReadyMessage, type SupervisorHooks } from './superviseWorkers.js';

/** The environment variable that hands every worker the same SSDP UUID. */
export const WORKER_UUID_VARIABLE = 'RXNET_SSDP_UUID';

/** In a worker: tells the primary the ready line instead of printing it. */
export function reportReady(line: string): void {
  process.send?.({ rxnet: 'ready', line } satisfies ReadyMessage);
}

/** True in a worker process of `--workers`. */
export function isWorker(): boolean {
  return cluster.isWorker;
}

/**
 * In a worker whose server has closed: leaves the cluster, so that nothing (the IPC channel to
 * the primary) keeps the process alive and it exits at once. Does nothing elsewhere.
 */
export function leaveCluster(): void {
  if (cluster.isWorker && cluster.worker?.isConnected() === true) cluster.worker.disconnect();
}

/** The primary's hooks: real workers, stdout and stderr, the process's signals. */
const PROCESS_HOOKS: SupervisorHooks = {
  fork: (env) => cluster.fork(env),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  onStopSignal: (stop) => {
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
  },
};

/**
 * The primary of `--workers N`: runs N copies of this command (each a worker serving the same
 * port through node:cluster) under {@link superviseWorkers}: a worker that dies is replaced
 * with backoff, one that cannot start stops the cluster (1), SIGINT/SIGTERM stops it (0) as
 * soon as every worker has exited, at most `deadlineMs` later. With `metrics` (--metrics-port)
 * the primary serves GET /metrics there before it forks, the workers' series aggregated by
 * prom-client (each worker shares its registry, see shareMetricsWithPrimary), and closes it once
 * they have all exited.
 *
 * Example: `await runPrimary(2, 2000, { host: '127.0.0.1', port: 9464 })`
 */
export async function runPrimary(workerCount: number, deadlineMs: number, metrics?: MetricsAddress): Promise<number> {
  const endpoint = metrics === undefined ? undefined : await startMetrics(aggregatedMetrics(), metrics, () => Promise.resolve());
  try {
    return await superviseWorkers(workerCount, deadlineMs, { [WORKER_UUID_VARIABLE]: randomUUID() }, PROCESS_HOOKS);
  } finally {
    await endpoint?.close();
  }
}
