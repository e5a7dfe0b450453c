import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import sinon from 'sinon';
import { superviseWorkers, type ClusterWorker, type SupervisorHooks } from '../../cli/src/superviseWorkers.js';
import { WORKER_RESTART_BACKOFF, WORKER_STABLE_MS, workerRestartDelay } from '../../cli/src/workerRestartDelay.js';
import { runCli, startCli, type StartedCli } from '../helpers/childProcess.js';
import { exchange } from '../helpers/rawTcp.js';

const SERVER = 'cli/server.js';

/** A worker the supervisor can fork: the test makes it ready, or exit, by hand. */
class FakeWorker extends EventEmitter implements ClusterWorker {
  dead = false;
  readonly signals: NodeJS.Signals[] = [];
  readonly process: ClusterWorker['process'];

  constructor(readonly id: number) {
    super();
    this.process = {
      pid: 1000 + id,
      kill: (signal: NodeJS.Signals = 'SIGTERM') => {
        this.signals.push(signal);
        return !this.dead;
      },
    };
  }

  isDead(): boolean {
    return this.dead;
  }

  ready(): void {
    this.emit('message', { rxnet: 'ready', line: 'listening tcp 127.0.0.1:9000' });
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.dead = true;
    this.emit('exit', code, signal);
  }
}

/** A supervisor over fake workers: what it forked (and when), printed, and its stop signal. */
function fakeCluster(count: number) {
  const clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const workers: FakeWorker[] = [];
  const forkedAt: number[] = [];
  const out: string[] = [];
  const err: string[] = [];
  let stop: () => void = () => {};
  let signalsRemoved = false;
  const hooks: SupervisorHooks = {
    fork: () => {
      const worker = new FakeWorker(workers.length + 1);
      workers.push(worker);
      forkedAt.push(Date.now());
      return worker;
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    onStopSignal: (onStop) => {
      stop = onStop;
      return () => (signalsRemoved = true);
    },
  };
  let result: number | undefined;
  const done = superviseWorkers(count, 2000, { RXNET_SSDP_UUID: 'u' }, hooks).then((code) => (result = code));
  return {
    clock,
    workers,
    forkedAt,
    out,
    err,
    done,
    stop: () => stop(),
    result: () => result,
    signalsRemoved: () => signalsRemoved,
    /** The worker in the last fork, made ready. */
    readyLast: () => workers.at(-1)?.ready(),
  };
}

/** Lets the promise callbacks run (fake timers do not hold them back). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('workerRestartDelay', () => {
  it('doubles from 100 ms and is capped at 5 s instead of giving up', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => workerRestartDelay(n))).to.deep.equal([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
  });

  it('follows the options given', () => {
    expect([1, 2, 3].map((n) => workerRestartDelay(n, { initial: 10, factor: 3, max: 50 }))).to.deep.equal([10, 30, 50]);
  });
});

describe('superviseWorkers (the --workers primary)', () => {
  let cluster: ReturnType<typeof fakeCluster> | undefined;
  afterEach(() => {
    cluster?.clock.restore();
    cluster = undefined;
  });

  it('prints the first ready line once every worker is ready, and the worker pids on stderr', () => {
    cluster = fakeCluster(2);
    cluster.workers[0]?.ready();
    expect(cluster.out).to.deep.equal([]);
    cluster.workers[1]?.ready();
    expect(cluster.out).to.deep.equal(['listening tcp 127.0.0.1:9000']);
    expect(cluster.err).to.deep.equal(['2 workers (pid 1001, 1002)']);
  });

  it('issue 11: logs a worker that dies after it was ready, replaces it after the backoff, and does not stop the others', async () => {
    cluster = fakeCluster(2);
    for (const worker of cluster.workers) worker.ready();
    cluster.workers[0]?.exit(null, 'SIGKILL');
    expect(cluster.err.at(-1)).to.equal('rxnet server: worker 1 (pid 1001) exited (signal SIGKILL); replacing it in 100 ms');
    expect(cluster.workers[1]?.signals, 'the other worker is left alone').to.deep.equal([]);
    cluster.clock.tick(99);
    expect(cluster.workers).to.have.length(2);
    cluster.clock.tick(1);
    expect(cluster.workers).to.have.length(3);
    cluster.readyLast();
    expect(cluster.err.at(-1)).to.equal('rxnet server: worker 3 (pid 1003) is ready');
    expect(cluster.out, 'the ready line is printed once').to.have.length(1);
    await settle();
    expect(cluster.result()).to.equal(undefined);
  });

  it('issue 11: restarts a crash loop at 100, 200, 400 ms... capped at 5 s, so it cannot spin', () => {
    cluster = fakeCluster(1);
    cluster.readyLast();
    const exitedAt: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      exitedAt.push(Date.now());
      cluster.workers.at(-1)?.exit(1); // each worker dies just after it was ready
      cluster.clock.tick(WORKER_RESTART_BACKOFF.max);
      cluster.readyLast();
    }
    const schedule = [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000];
    expect(cluster.forkedAt.slice(1).map((at, i) => at - (exitedAt[i] ?? 0)), 'exit to fork').to.deep.equal(schedule);
    expect(cluster.err.filter((line) => line.includes('replacing')).map((line) => Number(/in (\d+) ms/.exec(line)?.[1]))).to.deep.equal(schedule);
  });

  it('starts the backoff over once a worker stayed up for WORKER_STABLE_MS', () => {
    cluster = fakeCluster(1);
    cluster.readyLast();
    for (let i = 0; i < 3; i += 1) {
      cluster.workers.at(-1)?.exit(1);
      cluster.clock.tick(WORKER_RESTART_BACKOFF.max);
      cluster.readyLast();
    }
    cluster.clock.tick(WORKER_STABLE_MS);
    cluster.workers.at(-1)?.exit(1);
    expect(cluster.err.at(-1)).to.match(/replacing it in 100 ms$/);
  });

  it('issue 11: a worker that exits before it was ready stops the others, and the result is 1', async () => {
    cluster = fakeCluster(2);
    cluster.workers[0]?.exit(1);
    expect(cluster.err).to.deep.equal(['rxnet server: worker 1 (pid 1001) exited (code 1) before it was ready; stopping the others']);
    expect(cluster.workers[1]?.signals).to.deep.equal(['SIGTERM']);
    expect(cluster.workers, 'no replacement').to.have.length(2);
    cluster.workers[1]?.exit(null, 'SIGTERM');
    await settle();
    expect(cluster.result()).to.equal(1);
  });

  it('on SIGTERM, resolves 0 as soon as the last worker exits, with no timer to wait for', async () => {
    cluster = fakeCluster(2);
    for (const worker of cluster.workers) worker.ready();
    cluster.stop();
    for (const worker of cluster.workers) expect(worker.signals).to.deep.equal(['SIGTERM']);
    cluster.workers[0]?.exit(0);
    await settle();
    expect(cluster.result()).to.equal(undefined);
    cluster.workers[1]?.exit(0);
    await settle(); // no clock.tick: the exit events alone end it
    expect(cluster.result()).to.equal(0);
    expect(cluster.signalsRemoved()).to.equal(true);
    expect(cluster.clock.countTimers(), 'the SIGKILL deadline is cleared').to.equal(0);
  });

  it('SIGKILLs a worker that has not exited by the deadline', () => {
    cluster = fakeCluster(1);
    cluster.readyLast();
    cluster.stop();
    cluster.clock.tick(1999);
    expect(cluster.workers[0]?.signals).to.deep.equal(['SIGTERM']);
    cluster.clock.tick(1);
    expect(cluster.workers[0]?.signals).to.deep.equal(['SIGTERM', 'SIGKILL']);
  });

  it('a stop during a restart wait cancels the restart and resolves 0 once the others exit', async () => {
    cluster = fakeCluster(2);
    for (const worker of cluster.workers) worker.ready();
    cluster.workers[0]?.exit(null, 'SIGKILL');
    cluster.stop();
    cluster.workers[1]?.exit(0);
    await settle();
    expect(cluster.result()).to.equal(0);
    cluster.clock.tick(WORKER_RESTART_BACKOFF.max);
    expect(cluster.workers, 'no replacement after the stop').to.have.length(2);
  });
});

/** The parent pid of `pid`, from /proc (so the test only ever signals its own grandchildren). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The worker pids the primary printed (`2 workers (pid 123, 456)`), checked to be its children. */
function workerPids(server: StartedCli): number[] {
  const listed = /^\d+ workers \(pid ([\d, ]+)\)$/m.exec(server.stderr())?.[1];
  expect(listed, `the primary lists its workers' pids; stderr: ${server.stderr()}`).to.be.a('string');
  const pids = (listed ?? '').split(', ').map(Number);
  for (const pid of pids) expect(parentOf(pid), `pid ${pid} is a worker of ${server.child.pid}`).to.equal(server.child.pid);
  return pids;
}

/** Waits (polling every 20 ms, at most `ms`) until `test()` holds. */
async function waitUntil(test: () => boolean, ms: number): Promise<void> {
  for (let waited = 0; !test() && waited < ms; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('node cli/server.js --workers 2 (processes)', function () {
  this.timeout(15000);

  it('issue 10: an idle primary exits 0 on SIGTERM as soon as its workers have, not after the 2 s deadline', async () => {
    const server = await startCli(SERVER, ['--port', '0', '--workers', '2'], 10000);
    try {
      await waitUntil(() => /workers/.test(server.stderr()), 2000);
      const started = performance.now();
      server.child.kill('SIGTERM');
      const exit = await server.exited;
      const ms = performance.now() - started;
      expect(exit).to.deep.equal({ code: 0, signal: null });
      // Before the fix each worker stayed alive on its IPC channel until the 2000 ms deadline
      // timer, so never under 2000 ms (2040-2070 measured); now it exits once its server has closed
      // (20-30 ms measured on an idle machine): the bound leaves room for a loaded one.
      expect(ms).to.be.below(1800);
    } finally {
      server.kill();
    }
  });

  it('issue 11: a SIGKILLed worker is logged and replaced, the port stays served, and SIGTERM still exits 0', async () => {
    const server = await startCli(SERVER, ['--port', '0', '--workers', '2'], 10000);
    try {
      await waitUntil(() => /workers \(pid/.test(server.stderr()), 2000);
      const [victim, survivor] = workerPids(server);
      process.kill(victim as number, 'SIGKILL');
      await waitUntil(() => / is ready$/m.test(server.stderr()), 5000);
      const lines = server.stderr().trim().split('\n');
      expect(lines[1]).to.match(new RegExp(`^rxnet server: worker \\d+ \\(pid ${victim}\\) exited \\(signal SIGKILL\\); replacing it in 100 ms$`));
      expect(lines[2]).to.match(/^rxnet server: worker \d+ \(pid \d+\) is ready$/);
      const replacement = Number(/pid (\d+)\) is ready/.exec(lines[2] ?? '')?.[1]);
      expect(parentOf(replacement)).to.equal(server.child.pid);
      expect(replacement).to.not.be.oneOf([victim, survivor]);
      expect(server.child.exitCode, 'the primary is still running').to.equal(null);
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => exchange(server.port, `+,${i},1\n`, 1)));
      expect(replies.flat()).to.deep.equal(Array.from({ length: 8 }, (_, i) => `200,${i + 1}`));
      server.child.kill('SIGTERM');
      expect(await server.exited).to.deep.equal({ code: 0, signal: null });
    } finally {
      server.kill();
    }
  });

  it('issue 11: workers that cannot listen stop the cluster with exit 1 and a message', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as { port: number }).port;
      const result = await runCli(SERVER, ['--port', String(port), '--workers', '2']);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.equal('');
      expect(result.stderr).to.include(`rxnet server: Cannot listen on tcp://127.0.0.1:${port}: bind EADDRINUSE`);
      expect(result.stderr).to.match(/^rxnet server: worker \d+ \(pid \d+\) exited \(code 1\) before it was ready; stopping the others$/m);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
