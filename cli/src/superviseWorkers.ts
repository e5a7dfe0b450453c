import { EXIT_FAILED, EXIT_OK } from './runMain.js';
import { workerRestartDelay, WORKER_STABLE_MS } from './workerRestartDelay.js';

/** What the primary needs of one worker (node:cluster's Worker, or a fake in tests). */
export interface ClusterWorker {
  readonly id: number;
  readonly process: { readonly pid?: number | undefined; kill(signal?: NodeJS.Signals): boolean };
  isDead(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

/** What a worker tells the primary once it listens. */
export interface ReadyMessage {
  readonly rxnet: 'ready';
  /** The ready line, `listening tcp 127.0.0.1:9000`. */
  readonly line: string;
}

/** True for a worker's {@link ReadyMessage}. */
export function isReady(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { rxnet?: unknown }).rxnet === 'ready';
}

/** How the primary starts workers and talks to the world. */
export interface SupervisorHooks {
  /** Starts one worker with these variables added to its environment. */
  fork(env: Readonly<Record<string, string>>): ClusterWorker;
  /** One line on stdout (the ready line). */
  out(line: string): void;
  /** One line on stderr (the worker count, deaths, replacements). */
  err(line: string): void;
  /** Calls `stop` on SIGINT or SIGTERM; returns what removes that. */
  onStopSignal(stop: () => void): () => void;
}

/** One of the N places a worker runs in; a replacement takes the place of the worker that died. */
interface Slot {
  worker: ClusterWorker | undefined;
  ready: boolean;
  readyAt: number;
  restarts: number;
  restart: NodeJS.Timeout | undefined;
}

/**
 * The primary of `--workers N`: forks N workers with `env`, prints the first ready line once all
 * listen, and keeps N running. A worker that exits after it was ready is logged on stderr and
 * replaced after {@link workerRestartDelay} (so a crash loop cannot spin; a worker up for
 * WORKER_STABLE_MS resets its slot's count). A worker that exits before it was ready (it cannot
 * listen) stops the others, and the result is 1. On SIGINT/SIGTERM every worker is asked to
 * close gracefully (SIGTERM, SIGKILL after `deadlineMs`) and the result is 0 as soon as the
 * last one has exited.
 *
 * Example: `process.exitCode = await superviseWorkers(2, 2000, { WORKER_UUID: uuid }, clusterHooks)`
 */
export function superviseWorkers(count: number, deadlineMs: number, env: Readonly<Record<string, string>>, hooks: SupervisorHooks): Promise<number> {
  return new Promise((resolve) => {
    const slots: Slot[] = Array.from({ length: count }, () => ({ worker: undefined, ready: false, readyAt: 0, restarts: 0, restart: undefined }));
    let stopping = false;
    let failed = false;
    let announced = false;
    let kill: NodeJS.Timeout | undefined;

    const describe = (worker: ClusterWorker): string => `worker ${worker.id} (pid ${worker.process.pid ?? '?'})`;
    const finishIfDone = (): void => {
      if (!stopping || slots.some((slot) => slot.worker !== undefined)) return;
      clearTimeout(kill);
      removeSignals();
      resolve(failed ? EXIT_FAILED : EXIT_OK);
    };
    const stopAll = (): void => {
      if (stopping) return;
      stopping = true;
      for (const slot of slots) clearTimeout(slot.restart);
      for (const { worker } of slots) worker?.process.kill('SIGTERM');
      kill = setTimeout(() => {
        for (const { worker } of slots) worker?.process.kill('SIGKILL');
      }, deadlineMs);
      kill.unref();
      finishIfDone();
    };
    const removeSignals = hooks.onStopSignal(stopAll);

    const onReady = (slot: Slot, worker: ClusterWorker, message: ReadyMessage): void => {
      slot.ready = true;
      slot.readyAt = Date.now();
      if (announced) {
        hooks.err(`rxnet server: ${describe(worker)} is ready`);
      } else if (slots.every((s) => s.ready)) {
        announced = true;
        hooks.out(message.line);
        hooks.err(`${count} workers (pid ${slots.map((s) => s.worker?.process.pid ?? '?').join(', ')})`);
      }
    };
    const onExit = (slot: Slot, worker: ClusterWorker, code: number | null, signal: NodeJS.Signals | null): void => {
      slot.worker = undefined;
      const how = signal === null ? `code ${code ?? '?'}` : `signal ${signal}`;
      if (stopping) {
        finishIfDone();
      } else if (!slot.ready) {
        failed = true;
        hooks.err(`rxnet server: ${describe(worker)} exited (${how}) before it was ready; stopping the others`);
        stopAll();
      } else {
        if (Date.now() - slot.readyAt >= WORKER_STABLE_MS) slot.restarts = 0;
        slot.restarts += 1;
        const wait = workerRestartDelay(slot.restarts);
        hooks.err(`rxnet server: ${describe(worker)} exited (${how}); replacing it in ${wait} ms`);
        slot.restart = setTimeout(() => start(slot), wait);
      }
    };
    const start = (slot: Slot): void => {
      slot.restart = undefined;
      slot.ready = false;
      // With --port 0 a replacement listens on port 0 too: node:cluster hands it the port the
      // others share (while one of them lives), where an explicit port would be a second bind.
      const worker = hooks.fork(env);
      slot.worker = worker;
      worker.on('message', (message) => {
        if (isReady(message) && slot.worker === worker) onReady(slot, worker, message);
      });
      worker.on('exit', (code, signal) => onExit(slot, worker, code, signal));
    };
    for (const slot of slots) start(slot);
  });
}
