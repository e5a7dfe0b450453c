import { expect } from 'chai';
import { udpGarbage } from './hostileClients.js';
import { probeUdp, type ProbeReport } from './latencyProbe.js';
import { startServerProcess, type ServerProcess } from './serverProcess.js';

describe('hostile clients against node cli/server.js --udp', function () {
  this.timeout(10000);
  let server: ServerProcess;
  let baseline: ProbeReport;

  before(async () => {
    server = await startServerProcess(['--udp']);
    await probeUdp(server.port, { durationMs: 200 });
    baseline = await probeUdp(server.port, { durationMs: 300 });
  });
  after(async () => {
    await server?.stop();
  });

  it('answers every random, empty and over-long datagram of a flood once, while another source gets its answers within 100 ms', async () => {
    const before = server.rss();
    const [flood, probe] = await Promise.all([
      udpGarbage(server.port, { from: '127.0.0.2', count: 1500, perTick: 2, seed: 11 }),
      probeUdp(server.port, { durationMs: 1000, replyTimeoutMs: 1000 }),
    ]);
    const figures = `p50 ${probe.p50.toFixed(2)} ms, p99 ${probe.p99.toFixed(2)} ms (before: ${baseline.p99.toFixed(2)} ms), ${probe.answered} answers, ${probe.missing} missing`;
    if (process.env['RXNET_HOSTILE_VERBOSE'] !== undefined) console.log(`      well-behaved client: ${figures}; flood got ${flood.replies.length} replies of ${flood.sent}`);
    expect(probe.wrong, figures).to.equal(0);
    // Loopback UDP does not lose datagrams unless a socket buffer overflows; allow one for a busy machine.
    expect(probe.missing, figures).to.be.at.most(1);
    expect(probe.answered, figures).to.be.greaterThan(20);
    expect(probe.p99, figures).to.be.lessThan(Math.max(100, 3 * baseline.p99));
    expect(flood.replies.length, 'one reply per flood datagram').to.equal(flood.sent);
    for (const reply of flood.replies) expect(reply).to.match(/^(300,-1|200,-?[\d.e+-]+)\n$/);
    expect(server.alive()).to.equal(true);
    expect((server.rss().peakKiB - before.rssKiB) / 1024, 'peak RSS growth, MiB').to.be.lessThan(64);
  });
});
