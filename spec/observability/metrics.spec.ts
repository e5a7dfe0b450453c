import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { counterMetrics, type ServedCounters } from '../../lib/observability/counterMetrics.js';
import { serveMetrics } from '../../lib/observability/serveMetrics.js';
import { parseServerArgs } from '../../cli/src/serverCommand.js';
import { startCli, type StartedCli } from '../helpers/childProcess.js';
import { waitUntil } from '../helpers/waitUntil.js';
import { exchange } from '../helpers/rawTcp.js';
import { requireSystemTool } from '../helpers/requireSystemTool.js';

/** GET http://127.0.0.1:port/path: status and body. */
function fetchText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** The value of one series line, e.g. `rxnet_requests_total{transport="tcp"}`. */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

/** The port of a command's `metrics http 127.0.0.1:PORT/metrics` stderr line, once it is printed. */
async function metricsPortOf(cli: StartedCli): Promise<number> {
  await waitUntil(() => /metrics http /.test(cli.stderr()));
  return Number(/metrics http 127\.0\.0\.1:(\d+)\/metrics/.exec(cli.stderr())?.[1]);
}

const ZERO: ServedCounters = { requests: 0, replies: 0, dropped: 0, invalid: 0, errors: 0, refusedConnections: 0, rateLimited: 0, openConnections: 0 };

describe('Prometheus metrics (issue 15)', function () {
  this.timeout(15000);

  it('reads every series from one source at each scrape, labelled by transport', async () => {
    let counters: ServedCounters = { ...ZERO, requests: 7, replies: 6, dropped: 1, invalid: 2, openConnections: 3 };
    const registry = counterMetrics({ transport: 'udp', read: () => counters, processMetrics: false });
    await using endpoint = await serveMetrics({ registry, port: 0 });
    const first = await fetchText(endpoint.port, '/metrics');
    expect(first.status).to.equal(200);
    expect(valueOf(first.body, 'rxnet_requests_total{transport="udp"}')).to.equal(7);
    expect(valueOf(first.body, 'rxnet_replies_total{transport="udp"}')).to.equal(6);
    expect(valueOf(first.body, 'rxnet_dropped_total{transport="udp"}')).to.equal(1);
    expect(valueOf(first.body, 'rxnet_invalid_total{transport="udp"}')).to.equal(2);
    expect(valueOf(first.body, 'rxnet_open_connections{transport="udp"}')).to.equal(3);
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
      const before = valueOf((await fetchText(port, '/metrics')).body, 'rxnet_requests_total{transport="tcp"}');
      expect(await exchange(server.port, '+,1,1\n*,6,7\nx\n', 3)).to.deep.equal(['200,2', '200,42', '300,-1']);
      const text = (await fetchText(port, '/metrics')).body;
      expect(valueOf(text, 'rxnet_requests_total{transport="tcp"}') - before).to.equal(3);
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

  it('--metrics-host needs --metrics-port, and --metrics-port does not aggregate --workers yet', () => {
    expect(() => parseServerArgs(['--metrics-host', '127.0.0.1'])).to.throw('--metrics-host applies with --metrics-port only');
    expect(() => parseServerArgs(['--metrics-port', '0', '--workers', '2'])).to.throw(/^--metrics-port serves one process/);
    expect(parseServerArgs(['--metrics-port', '9464'])).to.have.nested.property('metrics.port', 9464);
  });
});
