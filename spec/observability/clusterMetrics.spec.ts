import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { runCli, startCli, type StartedCli } from '../helpers/childProcess.js';
import { fetchText, metricsPortOf, valueOf } from '../helpers/metricsScrape.js';
import { exchange } from '../helpers/rawTcp.js';
import { requireSystemTool } from '../helpers/requireSystemTool.js';
import { waitUntil } from '../helpers/waitUntil.js';

const REQUESTS = 'rxnet_requests_total{transport="tcp"}';

/** The requests of the last two `stats requests=N` lines on stdout: each worker's last, printed at SIGTERM. */
function lastStatsRequests(stdout: string): number[] {
  return [...stdout.matchAll(/^stats requests=(\d+) /gm)].map((match) => Number(match[1])).slice(-2);
}

/** Starts `cli/server.js --workers 2 --metrics-port 0 --stats 60`, recording its stdout after the ready line. */
async function startCluster(): Promise<{ server: StartedCli; stdout: () => string; metricsPort: number }> {
  const server = await startCli('cli/server.js', ['--port', '0', '--workers', '2', '--metrics-port', '0', '--stats', '60'], 10000);
  let stdout = '';
  server.child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  expect(await waitUntil(() => /2 workers \(pid /.test(server.stderr()))).to.equal(true);
  return { server, stdout: () => stdout, metricsPort: await metricsPortOf(server) };
}

describe('node cli/server.js --workers 2 --metrics-port 0 (issue 15)', function () {
  this.timeout(20000);

  it('the primary serves the sum of both workers\' series: the request counter equals what the two served, and promtool accepts it', async () => {
    const { server, stdout, metricsPort } = await startCluster();
    try {
      expect(valueOf((await fetchText(metricsPort)).body, REQUESTS)).to.equal(0);
      // node:cluster hands connections to the workers in turn: eight connections reach both.
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => exchange(server.port, `+,${i},1\n*,${i},2\n`, 2)));
      expect(replies.flat()).to.have.length(16);
      const text = (await fetchText(metricsPort)).body;
      expect(valueOf(text, REQUESTS)).to.equal(16);
      expect(valueOf(text, 'rxnet_replies_total{transport="tcp"}')).to.equal(16);
      // Both workers' histograms summed: each times its first read and one in 64 after it, and each served 4-8 reads here.
      expect(valueOf(text, 'rxnet_reply_latency_seconds_count{transport="tcp"}')).to.equal(2);
      expect(valueOf(text, 'rxnet_in_flight_requests{transport="tcp"}')).to.equal(0);
      requireSystemTool('promtool', 'prometheus');
      execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
      server.child.kill('SIGTERM');
      expect(await server.exited).to.deep.equal({ code: 0, signal: null });
      // Each worker's own count (its last stats line): both served, and they add up to the metric.
      const perWorker = lastStatsRequests(stdout());
      expect(perWorker, stdout()).to.have.length(2);
      expect(perWorker.every((count) => count > 0), `each worker served some: ${perWorker.join(', ')}`).to.equal(true);
      expect(perWorker.reduce((a, b) => a + b)).to.equal(16);
    } finally {
      server.kill();
    }
  });

  it('still answers after a worker is killed and replaced (the replacement counts from 0), and SIGTERM exits 0', async () => {
    const { server, metricsPort } = await startCluster();
    try {
      await Promise.all(Array.from({ length: 4 }, (_, i) => exchange(server.port, `+,${i},1\n`, 1)));
      expect(valueOf((await fetchText(metricsPort)).body, REQUESTS)).to.equal(4);
      const victim = Number(/^\d+ workers \(pid (\d+),/m.exec(server.stderr())?.[1]);
      process.kill(victim, 'SIGKILL');
      expect(await waitUntil(() => / is ready$/m.test(server.stderr()), 8000)).to.equal(true);
      const after = await fetchText(metricsPort);
      expect(after.status).to.equal(200);
      // The survivor's share stays; the dead worker's went with it (a counter reset to Prometheus).
      expect(valueOf(after.body, REQUESTS)).to.be.within(0, 4);
      await Promise.all(Array.from({ length: 4 }, (_, i) => exchange(server.port, `+,${i},1\n`, 1)));
      expect(valueOf((await fetchText(metricsPort)).body, REQUESTS) - valueOf(after.body, REQUESTS)).to.equal(4);
      server.child.kill('SIGTERM');
      expect(await server.exited).to.deep.equal({ code: 0, signal: null });
    } finally {
      server.kill();
    }
  });

  it('a metrics port that cannot be bound stops the primary before it forks: one line and exit 1', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as { port: number }).port;
      const result = await runCli('cli/server.js', ['--port', '0', '--workers', '2', '--metrics-port', String(port)]);
      expect(result).to.deep.include({ code: 1, stdout: '' });
      expect(result.stderr).to.equal(`rxnet server: Cannot serve metrics on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
