import { expect } from 'chai';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { startServer } from '../../lib/index.js';
import { Figures, latency } from './figures.js';
import { connectionFlood, open, slowloris } from './hostileClients.js';
import { probeTcp, probeUdp } from './latencyProbe.js';
import { waitUntil } from '../helpers/waitUntil.js';
import { startServerProcess, type ServerProcess } from './serverProcess.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The most replies a token bucket of `burst` refilled at `rate` a second can have granted in `ms` (one more for a token in refill). */
const allowedReplies = (burst: number, rate: number, ms: number): number => burst + Math.ceil((rate * ms) / 1000) + 1;

/** Resolves with how the server ended a connection: 'fin', 'reset', or 'open' if it had not by `timeoutMs`. */
function howItEnds(socket: import('node:net').Socket, since: number, timeoutMs: number): Promise<{ how: 'fin' | 'reset' | 'open'; afterMs: number }> {
  return new Promise((resolve) => {
    const done = (how: 'fin' | 'reset' | 'open'): void => {
      clearTimeout(timer);
      resolve({ how, afterMs: performance.now() - since });
    };
    const timer = setTimeout(() => done('open'), timeoutMs);
    socket.once('end', () => done('fin'));
    socket.once('error', () => done('reset'));
  });
}

describe('limits under hostile load (node cli/server.js)', function () {
  this.timeout(15000);
  const figures = new Figures('limits');
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  after(() => figures.print());

  it('--max-connections 50: a flood of 100 gets 49 slots (a client holds one), the rest are closed at once; slots come back', async () => {
    server = await startServerProcess(['--max-connections', '50', '--stats', '0.1']);
    const port = server.port;
    // The well-behaved client holds its slot until the flood is over, however long that takes.
    const flooding = connectionFlood(port, { connections: 100, batch: 25, pauseMs: 10, replyTimeoutMs: 2000 });
    const [flood, probe] = await Promise.all([flooding, probeTcp(port, { until: flooding })]);
    figures.add('--max-connections 50, the client holding a slot', latency(probe));
    expect(probe.answered, 'the client that held a slot').to.equal(probe.sent);
    expect(flood).to.deep.equal({ opened: 100, answered: 49, refused: 51 });
    const stats = await server.statsWhen((line) => line['open'] === 0);
    expect(stats['refused'], 'refusals counted').to.equal(51);
    expect(stats['open'], 'every slot given back').to.equal(0);
    const again = await connectionFlood(port, { connections: 50, batch: 25, pauseMs: 10, replyTimeoutMs: 2000 });
    expect(again).to.deep.equal({ opened: 50, answered: 50, refused: 0 });
  });

  it('--idle-timeout 0.3: closes silent connections (FIN, about 0.3 s), half-sent lines included, but not a slowloris that trickles', async () => {
    server = await startServerProcess(['--idle-timeout', '0.3', '--stats', '0.1']);
    // Timed from before the connections open, so the server's 0.3 s cannot have begun earlier:
    // "not before the timeout" is exact; how much later it came is a figure (a busy machine).
    const since = performance.now();
    const silent = await open(server.port);
    const halfLine = await open(server.port);
    halfLine.write('+,1,');
    const [silentEnd, halfEnd, trickled] = await Promise.all([
      howItEnds(silent, since, 5000),
      howItEnds(halfLine, since, 5000),
      slowloris(server.port, { connections: 5, byteEveryMs: 50, durationMs: 600 }),
    ]);
    for (const [name, end] of [['silent', silentEnd], ['half a line', halfEnd]] as const) {
      figures.add(`--idle-timeout 0.3, ${name} connection closed after`, `${end.afterMs.toFixed(0)} ms`);
      expect(end.how, name).to.equal('fin');
      expect(end.afterMs, name).to.be.at.least(299);
    }
    // The idle timeout does not stop a slowloris: each byte is traffic. What bounds slowloris is
    // maxConnections (it holds a slot) and maxLineLength (it holds at most that many bytes).
    for (const exchange of trickled) expect(exchange.received).to.deep.equal(exchange.expected);
    silent.destroy();
    halfLine.destroy();
    expect((await server.statsWhen((line) => line['open'] === 0))['open']).to.equal(0);
  });

  it('--udp-rate 100 --udp-burst 200: a flooding source gets its burst and the rate, another source all its answers', async () => {
    server = await startServerProcess(['--udp', '--udp-rate', '100', '--udp-burst', '200', '--udp-rate-loopback', '--stats', '0.1']);
    const port = server.port;
    const flooder = createSocket('udp4');
    let replies = 0;
    let replyBytes = 0;
    flooder.on('message', (data) => {
      replies += 1;
      replyBytes += data.length;
    });
    await new Promise<void>((resolve) => flooder.bind(0, '127.0.0.2', resolve));
    try {
      const request = Buffer.from('/,1,3'); // 5 bytes; its reply, 200,0.3333333333333333\n, is 23
      const started = performance.now();
      // Its burst, 20 requests at a time (far less than the server's socket buffer holds): every
      // one of them is answered.
      for (let sent = 0; sent < 200; ) {
        for (const end = sent + 20; sent < end; sent += 1) flooder.send(request, port, '127.0.0.1');
        expect(await waitUntil(() => replies >= sent), `replies to the first ${sent} of the burst`).to.equal(true);
      }
      // Then a flood, far faster than the rate, while another source asks (no faster than the
      // rate allows one source; it sends a copy again if one is lost in the server's full buffer).
      const flooding = (async () => {
        for (let sent = 0; sent < 2800; sent += 1) {
          flooder.send(request, port, '127.0.0.1');
          if (sent % 20 === 19) await pause(1);
        }
      })();
      const probe = await probeUdp(port, { until: flooding, intervalMs: 10, resendAfterMs: 200 });
      await flooding;
      const stats = await server.quietStats();
      // Every reply the flooder counts was granted before now: the bound holds however slow the machine.
      const elapsedMs = performance.now() - started;
      const flooderReplies = replies;
      figures.add('--udp-rate 100, the other source', latency(probe));
      expect(probe.answered, 'the other source').to.equal(probe.sent);
      expect(flooderReplies, `replies to the flooder in ${(elapsedMs / 1000).toFixed(2)} s`).to.be.at.most(allowedReplies(200, 100, elapsedMs));
      expect(stats['rate-limited'], 'the limit engaged').to.be.greaterThan(0);
      expect(stats['replies']! + stats['rate-limited']!, 'every datagram read answered or rate-limited').to.equal(stats['requests']);
      // Every reply the server sent arrived; the other source was never limited, so the replies
      // the server sent beyond the flooder's are the other source's (each request, and maybe copies).
      const toProbe = stats['replies']! - flooderReplies;
      expect(toProbe, 'replies to the other source').to.be.within(probe.sent, probe.sent + probe.resent);
      // Amplification: bytes sent to the source over the bytes of it the server read (an unlimited
      // server gives 23 / 5 = 4.6). How much of the flood the server read depends on the machine.
      const fromFlooder = stats['requests']! - toProbe;
      figures.add('--udp-rate 100, amplification', `${(replyBytes / (fromFlooder * request.length)).toFixed(2)} (${flooderReplies} replies to ${fromFlooder} datagrams read of 3000 sent)`);
    } finally {
      await new Promise<void>((resolve) => flooder.close(() => resolve()));
    }
  });

  it('--max-datagram-size 64: answers a 65-byte datagram with 300,-1 and a 64-byte one normally', async () => {
    server = await startServerProcess(['--udp', '--max-datagram-size', '64']);
    const socket = createSocket('udp4');
    const got: string[] = [];
    socket.on('message', (data) => got.push(data.toString('utf8')));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    try {
      socket.send(`+,1,${' '.repeat(59)}1`, server.port, '127.0.0.1'); // 64 bytes
      await waitUntil(() => got.length === 1);
      socket.send(`+,1,${' '.repeat(60)}1`, server.port, '127.0.0.1'); // 65 bytes
      await waitUntil(() => got.length === 2);
      expect(got).to.deep.equal(['200,2\n', '300,-1\n']);
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
  });

  // Regression (fixed in 23d1b66): the buckets are an LRU of 10,000 sources, and an evicted source
  // came back with a full burst, so a forged-source flood cycling through more addresses was not
  // capped (100 replies where the rate allows ~22). Now a new source gets one token while the
  // table is full.
  it('keeps a flooding source limited even after more than 10,000 other sources', async function () {
    this.timeout(20000);
    const udp = await startServer({ transport: 'udp', port: 0, udpRate: 10, udpBurst: 100, udpRateLoopback: true });
    const sockets: UdpSocket[] = [];
    try {
      const bind = async (address: string): Promise<UdpSocket> => {
        const socket = createSocket('udp4');
        socket.on('error', () => {});
        sockets.push(socket);
        await new Promise<void>((resolve) => socket.bind(0, address, resolve));
        return socket;
      };
      const victim = await bind('127.0.0.2');
      let replies = 0;
      victim.on('message', () => (replies += 1));
      const started = performance.now();
      // 300 datagrams; then wait until the server has read them all and every reply it sent the
      // victim has arrived (the other sources' replies are counted before it starts).
      const burst = async (): Promise<void> => {
        const before = udp.snapshot();
        const repliesToOthers = before.replies - replies;
        for (let i = 0; i < 300; i += 1) {
          victim.send('/,1,3', udp.address.port, '127.0.0.1');
          if (i % 20 === 19) await pause(1);
        }
        await waitUntil(() => {
          const now = udp.snapshot();
          return now.requests - before.requests >= 300 && replies === now.replies - repliesToOthers;
        });
      };
      await burst();
      expect(replies, 'first burst').to.be.within(100, allowedReplies(100, 10, performance.now() - started));
      for (let i = 0; i < 10_050; i += 50) {
        const batch = await Promise.all(Array.from({ length: 50 }, (_, k) => bind(`127.1.${(i + k) >> 8}.${(i + k) & 255}`)));
        await Promise.all(batch.map((other) => new Promise((resolve) => other.send('+,1,1', udp.address.port, '127.0.0.1', resolve))));
        await pause(5);
        for (const other of sockets.splice(1)) other.close();
      }
      expect(udp.snapshot().requests, 'the other sources were read').to.be.greaterThan(10_000);
      await burst();
      // Both bursts together: the bucket's 100 and the rate since the first datagram, no more.
      const allowed = allowedReplies(100, 10, performance.now() - started);
      expect(replies, `both bursts (the rate allows ${allowed} since the first)`).to.be.at.most(allowed);
    } finally {
      for (const socket of sockets) socket.close();
      await udp.close();
    }
  });
});
