import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { counterMetrics, type ServedCounters } from '../../lib/observability/counterMetrics.js';
import { serveMetrics } from '../../lib/observability/serveMetrics.js';
import { parseServerArgs } from '../../cli/src/serverCommand.js';
import { TIMED_READ_EVERY } from '../../lib/server/serveFused.js';
import { ServerStats } from '../../lib/server/ServerStats.js';
import { startCli } from '../helpers/childProcess.js';
import { fetchText, metricsPortOf, valueOf } from '../helpers/metricsScrape.js';
import { exchange } from '../helpers/rawTcp.js';
import { requireSystemTool } from '../helpers/requireSystemTool.js';

const ZERO: ServedCounters = {
  requests: 0,
  replies: 0,
  dropped: 0,
  invalid: 0,
  errors: 0,
  refusedConnections: 0,
  rateLimited: 0,
  openConnections: 0,
  inFlight: 0,
};

describe('Prometheus metrics (issue 15)', function () {
  this.timeout(15000);

  it('reads every series from one source at each scrape, labelled by transport', async () => {
    let counters: ServedCounters = { ...ZERO, requests: 7, replies: 6, dropped: 1, invalid: 2, openConnections: 3, inFlight: 5 };
    const registry = counterMetrics({ transport: 'udp', read: () => counters, processMetrics: false });
    await using endpoint = await serveMetrics({ registry, port: 0 });
    const first = await fetchText(endpoint.port, '/metrics');
    expect(first.status).to.equal(200);
    expect(valueOf(first.body, 'rxnet_requests_total{transport="udp"}')).to.equal(7);
    expect(valueOf(first.body, 'rxnet_replies_total{transport="udp"}')).to.equal(6);
    expect(valueOf(first.body, 'rxnet_dropped_total{transport="udp"}')).to.equal(1);
    expect(valueOf(first.body, 'rxnet_invalid_total{transport="udp"}')).to.equal(2);
    expect(valueOf(first.body, 'rxnet_open_connections{transport="udp"}')).to.equal(3);
    expect(valueOf(first.body, 'rxnet_in_flight_requests{transport="udp"}')).to.equal(5);
    expect(first.body).to.include('# TYPE rxnet_requests_total counter');
    counters = { ...counters, requests: 10, rateLimited: 4 };
    const second = await fetchText(endpoint.port, '/metrics');
    expect(valueOf(second.body, 'rxnet_requests_total{transport="udp"}')).to.equal(10);
    expect(valueOf(second.body, 'rxnet_rate_limited_total{transport="udp"}')).to.equal(4);
    expect((await fetchText(endpoint.port, '/other')).status).to.equal(404);
  });

  it('node cli/server.js --metrics-port 0: the request counter rises by exactly what was served, and promtool accepts the output', async () => {
    const server = await startCli('cli/server.js', ['--port', '0', '--metrics-port', '0']);
    try {
      const port = await metricsPortOf(server);
      const first = (await fetchText(port, '/metrics')).body;
      const before = valueOf(first, 'rxnet_requests_total{transport="tcp"}');
      const timedBefore = valueOf(first, 'rxnet_reply_latency_seconds_count{transport="tcp"}');
      expect(await exchange(server.port, '+,1,1\n*,6,7\nx\n', 3)).to.deep.equal(['200,2', '200,42', '300,-1']);
      const text = (await fetchText(port, '/metrics')).body;
      expect(valueOf(text, 'rxnet_requests_total{transport="tcp"}') - before).to.equal(3);
      // One latency sample per TIMED_READ_EVERY (64) reads, the first included: the three requests came in one write, in one to three reads, the first of this server.
      expect(valueOf(text, 'rxnet_reply_latency_seconds_count{transport="tcp"}') - timedBefore, 'the first read timed').to.equal(1);
      // TIMED_READ_EVERY more reads (one request per connection, each answered before the next): exactly one of them is timed.
      expect(TIMED_READ_EVERY).to.equal(64);
      for (let i = 0; i < TIMED_READ_EVERY; i += 1) expect(await exchange(server.port, `+,${i},2\n`, 1)).to.have.length(1);
      const after = (await fetchText(port, '/metrics')).body;
      expect(valueOf(after, 'rxnet_reply_latency_seconds_count{transport="tcp"}') - valueOf(text, 'rxnet_reply_latency_seconds_count{transport="tcp"}'), 'one read in 64 timed').to.equal(1);
      expect(valueOf(after, 'rxnet_replies_total{transport="tcp"}') - valueOf(text, 'rxnet_replies_total{transport="tcp"}'), 'every reply counted').to.equal(TIMED_READ_EVERY);
      expect(valueOf(text, 'rxnet_in_flight_requests{transport="tcp"}')).to.equal(0);
      expect(valueOf(text, 'rxnet_invalid_total{transport="tcp"}')).to.equal(1);
      expect(text).to.include('rxnet_process_cpu_user_seconds_total');
      requireSystemTool('promtool', 'prometheus');
      // promtool check metrics reads stdin and exits non-zero on a malformed exposition.
      execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
    } finally {
      server.child.kill('SIGTERM');
      expect((await server.exited).code).to.equal(0);
    }
  });

  it('node cli/rxnet.js proxy --metrics-port 0: the proxies\' byte counters on their own port, accepted by promtool', async () => {
    const proxy = await startCli('cli/rxnet.js', ['proxy', '--port', '0', '--metrics-port', '0']);
    try {
      const port = await metricsPortOf(proxy);
      const text = (await fetchText(port, '/metrics')).body;
      expect(text).to.include('# TYPE toxiproxy_proxy_received_bytes_total counter');
      requireSystemTool('promtool', 'prometheus');
      execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
    } finally {
      proxy.child.kill('SIGTERM');
      expect((await proxy.exited).code).to.equal(0);
    }
  });

  it('observes each latency sample into a prom-client histogram in seconds: buckets from 5 µs to 2.5 s, +Inf, _sum and _count', async () => {
    const stats = new ServerStats();
    const registry = counterMetrics({ transport: 'tcp', read: () => stats.snapshot(), latency: stats, processMetrics: false });
    const text0 = await registry.metrics();
    expect(valueOf(text0, 'rxnet_reply_latency_seconds_count{transport="tcp"}'), 'the series exist before a sample').to.equal(0);
    stats.repliedMany(32, 20); // one read of 32 replies, 20 µs: one sample
    stats.replied(300); // a 300 µs reply
    stats.replied(4_000_000); // a 4 s reply: only +Inf
    const text = await registry.metrics();
    const bucket = (le: string): number => valueOf(text, `rxnet_reply_latency_seconds_bucket{le="${le}",transport="tcp"}`);
    expect(text).to.include('# TYPE rxnet_reply_latency_seconds histogram');
    expect([bucket('0.000005'), bucket('0.00001'), bucket('0.000025'), bucket('0.00025'), bucket('0.0005'), bucket('2.5'), bucket('+Inf')]).to.deep.equal([
      0, 0, 1, 1, 2, 2, 3,
    ]);
    expect(valueOf(text, 'rxnet_reply_latency_seconds_count{transport="tcp"}')).to.equal(3);
    expect(valueOf(text, 'rxnet_reply_latency_seconds_sum{transport="tcp"}')).to.be.closeTo((20 + 300 + 4_000_000) / 1e6, 1e-9);
    expect(valueOf(text, 'rxnet_replies_total{transport="tcp"}'), 'replies still counted one by one').to.equal(34);
    requireSystemTool('promtool', 'prometheus');
    execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
  });

  it('has no latency histogram without a latency source', async () => {
    const registry = counterMetrics({ transport: 'tcp', read: () => ZERO, processMetrics: false });
    expect(await registry.metrics()).not.to.include('rxnet_reply_latency_seconds');
  });

  it('--metrics-host needs --metrics-port, and --metrics-port goes with --workers (the primary aggregates)', () => {
    expect(() => parseServerArgs(['--metrics-host', '127.0.0.1'])).to.throw('--metrics-host applies with --metrics-port only');
    expect(parseServerArgs(['--metrics-port', '0', '--workers', '2'])).to.deep.include({ workers: 2, metrics: { host: '127.0.0.1', port: 0 } });
    expect(parseServerArgs(['--metrics-port', '9464'])).to.have.nested.property('metrics.port', 9464);
  });
});
