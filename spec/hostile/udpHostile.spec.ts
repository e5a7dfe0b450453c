import { expect } from 'chai';
import { Figures, latency } from './figures.js';
import { udpGarbage } from './hostileClients.js';
import { probeUdp } from './latencyProbe.js';
import { startServerProcess, type ServerProcess } from './serverProcess.js';

describe('hostile clients against node cli/server.js --udp', function () {
  this.timeout(10000);
  const figures = new Figures('the well-behaved client over UDP while the flood runs');
  let server: ServerProcess;

  before(async () => {
    server = await startServerProcess(['--udp']);
    await probeUdp(server.port, { durationMs: 200 });
    figures.add('before the flood', latency(await probeUdp(server.port, { durationMs: 300 })));
  });
  after(async () => {
    await server?.stop();
    figures.print();
  });

  it('answers every random, empty and over-long datagram of a flood once, while another source gets every answer', async () => {
    const before = server.rss();
    // The flood keeps less than the server's socket buffer outstanding (see udpGarbage), so on
    // loopback no datagram is lost and every count below is exact, however busy the machine.
    const flooding = udpGarbage(server.port, { from: '127.0.0.2', count: 1500, seed: 11, replyTimeoutMs: 5000 });
    const [flood, probe] = await Promise.all([flooding, probeUdp(server.port, { until: flooding })]);
    const growthMiB = (server.rss().peakKiB - before.rssKiB) / 1024;
    figures.add('flood of 1500 datagrams', latency(probe));
    figures.add('server RSS', `peak ${growthMiB.toFixed(1)} MiB above the RSS before the flood`);
    const seen = `${probe.sent} sent, ${probe.answered} answered, ${probe.wrong} wrong, ${probe.missing} missing`;
    expect(probe.answered, seen).to.equal(probe.sent);
    expect(flood.sent).to.equal(1500);
    expect(flood.replies.length, 'one reply per flood datagram').to.equal(flood.sent);
    for (const reply of flood.replies) expect(reply).to.match(/^(300,-1|200,-?[\d.e+-]+)\n$/);
    expect(server.alive()).to.equal(true);
    expect(growthMiB, 'peak RSS growth, MiB').to.be.lessThan(64);
  });
});
