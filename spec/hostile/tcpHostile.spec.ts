import { expect } from 'chai';
import { abruptResets, connectionFlood, greedyPipeliner, halfClosed, megabyteLines, neverReaders, randomBytes, slowloris, type Exchange } from './hostileClients.js';
import { Figures, latency } from './figures.js';
import { probeTcp, type ProbeReport } from './latencyProbe.js';
import { startServerProcess, type Rss, type ServerProcess } from './serverProcess.js';

/** How much the server's peak resident memory may exceed its resident memory before the attacks. */
const PEAK_RSS_GROWTH_BOUND_MIB = 128;

/** Every reply the hostile connection should have got, in order, then the server's FIN. */
function expectAllAnswered(exchanges: readonly Exchange[]): void {
  exchanges.forEach((exchange, i) => {
    expect(exchange.received, `connection ${i}`).to.deep.equal(exchange.expected);
    expect(exchange.ended, `connection ${i} ended by the server`).to.equal(true);
  });
}

describe('hostile clients against node cli/server.js over TCP', function () {
  this.timeout(15000);
  const figures = new Figures('the well-behaved client over TCP while each attack runs');
  let server: ServerProcess;
  let rssAtStart: Rss;

  /** The well-behaved client got the right answer to every request it sent (its latency is a figure). */
  function expectUnharmed(probe: ProbeReport, name: string): void {
    figures.add(name, latency(probe));
    const seen = `${probe.sent} sent, ${probe.answered} answered, ${probe.wrong} wrong, ${probe.missing} missing`;
    expect(probe.answered, seen).to.equal(probe.sent);
    expect(probe.sent, seen).to.be.at.least(1);
  }

  /** Runs `attack` while a well-behaved client asks, one request at a time, until the attack is over. */
  async function underAttack<T>(name: string, attack: () => Promise<T>): Promise<T> {
    const attacking = attack();
    const [result, probe] = await Promise.all([attacking, probeTcp(server.port, { until: attacking })]);
    expectUnharmed(probe, name);
    expect(server.alive(), 'the server process is still running').to.equal(true);
    return result;
  }

  before(async () => {
    server = await startServerProcess(['--stats', '0.2']);
    await probeTcp(server.port, { durationMs: 200 }); // warm up
    figures.add('before the attacks', latency(await probeTcp(server.port, { durationMs: 400 })));
    rssAtStart = server.rss();
  });
  after(async () => {
    await server?.stop();
    figures.print();
  });

  it('answers random bytes with one reply per line (300,-1 for garbage and over-long lines), then ends', async () => {
    const exchanges = await underAttack('random bytes', () => randomBytes(server.port, { connections: 8, bytesEach: 32 * 1024, seed: 7, maxLineLength: 4096, writeMax: 1024, pauseMs: 5 }));
    expect(exchanges.reduce((n, e) => n + e.expected.length, 0)).to.be.greaterThan(8 * 250);
    expectAllAnswered(exchanges);
  });

  it('answers each 1 MiB line with one 300,-1, discarding it as it streams in, and the next request rightly', async () => {
    const exchanges = await underAttack('1 MiB lines', () => megabyteLines(server.port, { connections: 8, linesEach: 4 }));
    expectAllAnswered(exchanges);
  });

  it('answers slowloris clients (a byte every 50 ms) as each of their lines completes', async () => {
    const exchanges = await underAttack('slowloris', () => slowloris(server.port, { connections: 20, byteEveryMs: 50, durationMs: 500 }));
    expect(exchanges[0]?.expected.length).to.be.at.least(1);
    expectAllAnswered(exchanges);
  });

  it('holds 500 connections opened at once and answers a request on every one of them', async () => {
    const flood = await underAttack('500 connections', () => connectionFlood(server.port, { connections: 500, batch: 50, pauseMs: 20, replyTimeoutMs: 3000 }));
    expect(flood).to.deep.equal({ opened: 500, answered: 500, refused: 0 });
  });

  it('goes on serving when clients reset (RST) with hundreds of requests in flight', async () => {
    // The resets are counted as errors: see 'counts it all' below.
    await underAttack('resets', () => abruptResets(server.port, { rounds: 20, parallel: 2, requestsEach: 500, pauseMs: 20 }));
  });

  it('sends every reply to half-closed clients (FIN right after the requests), then ends', async () => {
    const exchanges = await underAttack('half-closed', () => halfClosed(server.port, { connections: 20, requestsEach: 500, staggerMs: 25 }));
    expectAllAnswered(exchanges);
  });

  it('stops reading from clients that never read, so they hold memory and CPU no longer', async function () {
    // Filling the loopback buffers takes about 800,000 requests per reader; the well-behaved
    // client is answered meanwhile, and once the server has stopped reading from them the
    // readers cost nothing at all.
    this.timeout(20000);
    const filling = neverReaders(server.port, { connections: 2, maxBytesEach: 32 * 1024 * 1024, timeoutMs: 8000 });
    const [readers, probe] = await Promise.all([filling, probeTcp(server.port, { until: filling })]);
    try {
      figures.add('never-readers', `wrote ${readers.written.join(', ')} bytes, stalled after ${readers.stalledAfterMs.toFixed(0)} ms`);
      expectUnharmed(probe, 'never-readers filling the buffers');
      readers.written.forEach((written, i) => {
        expect(written, `client ${i} wrote`).to.be.lessThan(32 * 1024 * 1024);
        expect(readers.stuck[i], `client ${i}: bytes the server would not take`).to.be.greaterThan(0);
      });
      // The server has stopped reading from them: its request counter stands still.
      await server.quietStats();
      expectUnharmed(await probeTcp(server.port, { durationMs: 300 }), 'never-readers stalled');
    } finally {
      readers.close();
    }
  });

  // Regression: before the hot-path rework (c4f8b8d: one write per tick, a one-regex request
  // schema) a read of 64 KiB took 40-70 ms to answer, and one such client raised another's p50
  // from 0.3 ms to 25-40 ms and its p99 to 100-250 ms; now p50 1-2.5 ms, p99 11-21 ms (the
  // report's "greedy pipeliner" line).
  it('answers a well-behaved client while another pipelines 100,000 requests as fast as it can, and every one of those', async () => {
    const replies = await underAttack('greedy pipeliner', () => greedyPipeliner(server.port, { writes: 10, timeoutMs: 12000 }));
    expect(replies).to.equal(100_000);
  });

  it('counts it all (--stats): every request it read was answered, errors counted, every connection closed', async () => {
    // Wait for the state to assert: no request is being read any more, every connection closed.
    let previous: number | undefined;
    const stats = await server.statsWhen((line) => {
      const quiet = line['requests'] === previous;
      previous = line['requests'];
      return quiet && line['open'] === 0;
    }, 25);
    figures.add('server stats', JSON.stringify(stats));
    expect(stats['requests']).to.be.greaterThan(100_000);
    expect(stats['replies'], 'replies = requests').to.equal(stats['requests']);
    expect(stats['invalid']).to.be.greaterThan(2000);
    expect(stats['dropped']).to.equal(0);
    expect(stats['errors'], 'resets and destroyed never-readers').to.be.greaterThan(0);
    expect(stats['open'], 'open connections').to.equal(0);
    expect(stats['refused']).to.equal(0);
  });

  it('keeps its memory bounded through all of the above', () => {
    const after = server.rss();
    const growthMiB = (after.peakKiB - rssAtStart.rssKiB) / 1024;
    figures.add('server RSS', `${rssAtStart.rssKiB >> 10} MiB before, peak ${after.peakKiB >> 10} MiB, now ${after.rssKiB >> 10} MiB`);
    expect(growthMiB, `peak RSS grew by ${growthMiB.toFixed(1)} MiB`).to.be.lessThan(PEAK_RSS_GROWTH_BOUND_MIB);
  });
});
