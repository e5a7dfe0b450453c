import { expect } from 'chai';
import { createSocket, type Socket } from 'node:dgram';
import { startServer } from '../../lib/index.js';
import { Figures } from './figures.js';
import { pipelineUntilEnd, seededRandom, type PipelinedRun } from './hostileClients.js';
import { waitUntil } from '../helpers/waitUntil.js';
import { startServerProcess } from './serverProcess.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The grace periods here are far longer than a drain takes, even on a busy machine, so "drained
 * before the grace period ran out" does not depend on the machine; how long the drain took is a
 * figure. The CLI allows at most 1.5 s (`--grace`), so that it exits within 2 s.
 */
const GRACE_MS = 8000;
const CLI_GRACE_MS = 1500;

/** Each reply is the right answer to the request of the same rank: a prefix, in order, nothing else. */
function expectRightPrefix(run: PipelinedRun, id: number): void {
  expect(run.received.length, `client ${id}: replies`).to.be.at.most(run.sent);
  const wrong = run.received.findIndex((reply, i) => reply !== `200,${id + i}`);
  expect(wrong, `client ${id}: first wrong reply ${run.received[wrong]}`).to.equal(-1);
  expect(run.ended, `client ${id}: ended by a FIN, not a reset`).to.equal(true);
}

describe('graceful shutdown under load', function () {
  this.timeout(15000);
  const figures = new Figures('graceful shutdown');
  after(() => figures.print());

  it('TCP: answers every request it read from 20 pipelining clients, ends each connection with a FIN, within the grace period', async () => {
    const server = await startServer({ port: 0 });
    // Started = served: each client has had a first reply.
    const clients = Array.from({ length: 20 }, (_, id) => pipelineUntilEnd(server.address.port, { id, batch: 50, timeoutMs: 8000 }));
    await Promise.all(clients.map((c) => c.started));
    await pause(300);
    const started = performance.now();
    await server.close({ graceMs: GRACE_MS });
    const closedAfter = performance.now() - started;
    figures.add('TCP, 20 pipelining clients drained in', `${closedAfter.toFixed(0)} ms`);
    const runs = await Promise.all(clients.map((c) => c.done));
    runs.forEach((run, id) => expectRightPrefix(run, id));
    const stats = server.snapshot();
    const received = runs.reduce((n, run) => n + run.received.length, 0);
    expect(stats.requests, 'requests read').to.be.greaterThan(1000);
    // No accepted request went unanswered, and every reply reached its client.
    expect(stats.replies, 'replies = requests read').to.equal(stats.requests);
    expect(received, 'replies the clients received').to.equal(stats.replies);
    expect(stats.dropped).to.equal(0);
    expect(closedAfter, 'drained before the grace period ran out').to.be.lessThan(GRACE_MS);
  });

  it('UDP: answers every datagram it took in before the close (but for the configured drop), and ignores the ones after', async () => {
    const server = await startServer({ transport: 'udp', port: 0, success: 0.9, udpRate: 0, random: seededRandom(3) });
    const sockets: Array<{ socket: Socket; replies: string[] }> = [];
    try {
      for (let k = 0; k < 4; k += 1) {
        const socket = createSocket('udp4');
        const replies: string[] = [];
        socket.on('message', (data) => replies.push(data.toString('utf8')));
        sockets.push({ socket, replies });
        await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      }
      let sending = true;
      const sent = sockets.map(() => 0);
      const senders = sockets.map(async ({ socket }, k) => {
        for (let i = 0; sending; i += 1) {
          socket.send(`*,${k},${i}`, server.address.port, '127.0.0.1');
          sent[k] = i + 1;
          if (i % 5 === 4) await pause(1);
        }
      });
      // Enough datagrams before the close for the drop fraction to be measured: counted, not timed.
      await waitUntil(() => sent.every((n) => n >= 500));
      const closing = server.close({ graceMs: 1000 });
      await pause(100);
      sending = false;
      await Promise.all(senders);
      await closing;
      const stats = server.snapshot();
      const receivedNow = (): number => sockets.reduce((n, s) => n + s.replies.length, 0);
      await waitUntil(() => receivedNow() >= stats.replies); // the last replies are on their way through loopback
      const received = receivedNow();
      sockets.forEach(({ replies }, k) => {
        for (const reply of replies) expect(Number(/^200,(\d+)\n$/.exec(reply)?.[1]) % Math.max(k, 1), reply).to.equal(0);
      });
      expect(stats.requests).to.be.greaterThan(1500);
      expect(stats.rateLimited).to.equal(0);
      expect(stats.replies + stats.dropped, 'every datagram taken in was answered or dropped by the roll').to.equal(stats.requests);
      expect(stats.dropped / stats.requests, 'the configured drop, about 0.1').to.be.within(0.04, 0.16);
      expect(received, 'every reply sent arrived').to.equal(stats.replies);
    } finally {
      await Promise.all(sockets.map(({ socket }) => new Promise<void>((resolve) => socket.close(() => resolve()))));
      await server.close();
    }
  });

  it('node cli/server.js on SIGTERM: every client gets right answers up to where the server stopped reading, then a FIN; exit 0', async () => {
    const server = await startServerProcess(['--grace', String(CLI_GRACE_MS / 1000)]);
    try {
      const clients = Array.from({ length: 10 }, (_, id) => pipelineUntilEnd(server.port, { id, batch: 50, timeoutMs: 8000 }));
      await Promise.all(clients.map((c) => c.started));
      await pause(300);
      const started = performance.now();
      server.cli.child.kill('SIGTERM');
      const runs = await Promise.all(clients.map((c) => c.done));
      const exit = await server.cli.exited;
      runs.forEach((run, id) => expectRightPrefix(run, id));
      expect(runs.map((run) => run.received.length > 0)).to.deep.equal(runs.map(() => true));
      expect(exit).to.deep.equal({ code: 0, signal: null });
      const exitedAfter = performance.now() - started;
      figures.add('node cli/server.js, 10 pipelining clients, SIGTERM to exit', `${exitedAfter.toFixed(0)} ms`);
      expect(exitedAfter, 'exited within the grace period').to.be.lessThan(CLI_GRACE_MS);
    } finally {
      server.cli.kill();
    }
  });
});
