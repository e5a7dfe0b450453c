import { expect } from 'chai';
import { busyConnections, firstReplyMs } from './busyClients.js';
import { probeTcp, quantile, type ProbeReport } from './latencyProbe.js';
import { startServerProcess, type ServerProcess } from './serverProcess.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const verbose = process.env['RXNET_HOSTILE_VERBOSE'] !== undefined;

/** The busy connections: each pipelines this many requests up front; half read every 50 ms, half never. */
const BUSY_CONNECTIONS = 200;
const REQUESTS_EACH = 10_000;
/** How long the old connection measures (the busy ones keep the server busy meanwhile), and how many new ones are timed. */
const MEASURE_MS = 2500;
const NEW_CONNECTIONS = 10;
/**
 * The bound on the server's peak RSS growth per busy connection. What one connection may hold is
 * bounded in bytes (docs/reliability.md: about 200 KiB at most); the rest of the growth is V8's
 * heap growing with the work, shared by all connections.
 */
const RSS_PER_BUSY_CONNECTION_BOUND_KIB = 1024;

// Issue 11, part 2: every turn of the event loop served a 4 KiB slice of every busy connection,
// so 300 busy connections made a new one wait 21-28 s for its first reply.
describe('busy connections against node cli/server.js (issue 11)', function () {
  this.timeout(30000);
  let server: ServerProcess;

  before(async () => {
    server = await startServerProcess(['--stats', '0.2']);
    await probeTcp(server.port, { durationMs: 200 }); // warm up
  });
  after(async () => {
    await server?.stop();
  });

  it(`issue 11: ${BUSY_CONNECTIONS} connections pipelining ${REQUESTS_EACH.toLocaleString('en')} requests each, read slowly or never, starve no one: new and old connections are answered, memory per busy connection bounded`, async () => {
    const port = server.port;
    const rssBefore = server.rss();
    const requestsBefore = (await server.nextStats())['requests'] ?? 0;
    // Connected before the attack: one request at a time, each answer checked and timed.
    const old = probeTcp(port, { durationMs: MEASURE_MS, replyTimeoutMs: 10_000 });
    await pause(100);
    const busy = await busyConnections(port, { connections: BUSY_CONNECTIONS, requestsEach: REQUESTS_EACH, readEveryMs: 50, batch: 50 });
    let statsAtEnd: Record<string, number> = {};
    let probe: ProbeReport | undefined;
    const firstReplies: number[] = [];
    let behindArrivals = NaN;
    try {
      // The first new connection waits behind the busy ones in the accept queue (Node accepts one
      // connection per turn of the event loop): its first reply tells how fast the queue drains.
      behindArrivals = await firstReplyMs(port, 10_000);
      // Then new connections, one after the other, while the busy ones are at work.
      for (let i = 0; i < NEW_CONNECTIONS; i += 1) {
        firstReplies.push(await firstReplyMs(port, 10_000));
        await pause(100);
      }
      probe = await old; // the busy connections were at work all the while
      statsAtEnd = await server.nextStats();
    } finally {
      busy.close();
    }
    const rssPeak = server.rss();
    const stats = await server.quietStats();

    const growthPerConnectionKiB = (rssPeak.peakKiB - rssBefore.rssKiB) / BUSY_CONNECTIONS;
    const answered = firstReplies.filter((ms) => Number.isFinite(ms));
    const figures =
      `accept queue: ${BUSY_CONNECTIONS} busy connections and a new one accepted and answered within ${behindArrivals.toFixed(0)} ms ` +
      `(${((BUSY_CONNECTIONS / behindArrivals) * 1000).toFixed(0)} accepts/s); ` +
      `later new connections: first reply p50 ${quantile(answered, 0.5).toFixed(1)} ms, max ${Math.max(...answered).toFixed(1)} ms (${answered.length} of ${firstReplies.length} answered); ` +
      `old connection: p50 ${probe.p50.toFixed(1)} ms, p99 ${probe.p99.toFixed(1)} ms, max ${probe.max.toFixed(1)} ms (${probe.answered} answers); ` +
      `busy: opened in ${busy.openedAfterMs.toFixed(0)} ms, ${((statsAtEnd['requests'] ?? 0) - requestsBefore).toLocaleString('en')} requests served meanwhile, ` +
      `${(busy.readBytes() / 2 ** 20).toFixed(1)} MiB of replies read by the slow readers; ` +
      `server RSS ${rssBefore.rssKiB >> 10} MiB before, peak ${rssPeak.peakKiB >> 10} MiB (${growthPerConnectionKiB.toFixed(0)} KiB per busy connection)`;
    if (verbose) console.log(`      ${figures}`);

    expect(server.alive(), 'the server process is still running').to.equal(true);
    expect(Number.isFinite(behindArrivals), `the new connection behind the busy ones answered rightly; ${figures}`).to.equal(true);
    expect(answered.length, `new connections answered rightly; ${figures}`).to.equal(firstReplies.length);
    expect(probe.wrong, `old connection: wrong answers; ${figures}`).to.equal(0);
    expect(probe.missing, `old connection: missing answers; ${figures}`).to.equal(0);
    expect(probe.answered, `old connection: answers; ${figures}`).to.be.greaterThan(20);
    expect(growthPerConnectionKiB, `RSS growth per busy connection, KiB; ${figures}`).to.be.lessThan(RSS_PER_BUSY_CONNECTION_BOUND_KIB);
    expect(stats['replies'], 'every request read was answered').to.equal(stats['requests']);
    expect(stats['open'], 'every connection closed').to.equal(0);
  });
});
