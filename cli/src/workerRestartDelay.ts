import { backoffDelay, type BackoffOptions } from '../../lib/index.js';

/** The restart schedule of a `--workers` slot: 100 ms, doubling, capped at 5 s. */
export const WORKER_RESTART_BACKOFF: Required<BackoffOptions> = Object.freeze({ initial: 100, factor: 2, max: 5000 });

/** A worker that stayed up this long after it was ready counts as healthy: its slot's restart count starts over. */
export const WORKER_STABLE_MS = 10_000;

/**
 * How long to wait before replacing a worker, after `restarts` replacements in a row in its slot
 * (1 for the first): {@link backoffDelay}'s schedule, but capped at `max` rather than giving up,
 * so a crash loop restarts at most once per `max` and a healthy cluster is never abandoned.
 *
 * Example: restarts 1..8 wait 100, 200, 400, 800, 1600, 3200, 5000, 5000 ms.
 *
 * @param options defaults to WORKER_RESTART_BACKOFF.
 */
export function workerRestartDelay(restarts: number, options: Required<BackoffOptions> = WORKER_RESTART_BACKOFF): number {
  return backoffDelay(restarts, options) ?? options.max;
}
