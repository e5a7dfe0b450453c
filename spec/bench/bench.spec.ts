import { expect } from 'chai';
import { startPlainNodeServer } from '../../bench/plainNodeServer.js';
import type { BenchServer } from '../../bench/serverProcess.js';
import { summarizeProfile } from '../../bench/cpuProfileSummary.js';
import { LatencyRecorder } from '../../bench/load/LatencyRecorder.js';
import type { LoadOptions } from '../../bench/load/LoadOptions.js';
import { mixFileText } from '../../bench/load/mixFile.js';
import { mixedRequest } from '../../bench/load/requestMix.js';
import { runTcpLoad } from '../../bench/load/tcpLoad.js';
import { runUdpLoad } from '../../bench/load/udpLoad.js';

const load = (transport: 'tcp' | 'udp', port: number, extra: Partial<LoadOptions>): LoadOptions => ({
  transport,
  host: '127.0.0.1',
  port,
  connections: 2,
  window: 4,
  requests: 400,
  seconds: 2,
  rate: 0,
  timeoutMs: 500,
  ...extra,
});

describe('bench', () => {
  describe('Node load generator against the plain baseline', () => {
    let server: BenchServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('verifies every pipelined TCP reply and stops at the request count', async () => {
      server = await startPlainNodeServer({ transport: 'tcp', host: '127.0.0.1', port: 0, maxLineLength: 4096 });
      const result = await runTcpLoad(load('tcp', server.address.port, { serverPids: [process.pid] }));
      expect(result).to.include({ generator: 'node', sent: 400, verified: 400, mismatches: 0, unanswered: 0, errors: 0 });
      expect(result.latency.samples).to.equal(400);
      expect(result.serverCpuPercent).to.be.a('number');
      expect(result.loadWaitPercent).to.be.a('number');
    });

    it('verifies every UDP reply with a window of sockets and counts nothing lost', async () => {
      server = await startPlainNodeServer({ transport: 'udp', host: '127.0.0.1', port: 0, maxLineLength: 4096 });
      const result = await runUdpLoad(load('udp', server.address.port, { window: 4, requests: 200 }));
      expect(result).to.include({ sent: 200, verified: 200, mismatches: 0, lost: 0, late: 0 });
    });

    it('paces an open-loop run at the offered rate', async () => {
      server = await startPlainNodeServer({ transport: 'tcp', host: '127.0.0.1', port: 0, maxLineLength: 4096 });
      const result = await runTcpLoad(load('tcp', server.address.port, { rate: 2000, seconds: 0.2, requests: 10_000 }));
      expect(result.mismatches).to.equal(0);
      // 2000/s for 0.2 s is 400, paced per millisecond; a closed loop would send thousands. The
      // lower bound leaves room for a busy machine delaying the pacing timer.
      expect(result.sent).to.be.within(150, 420);
    });

    it('counts a TCP server that never answers as unanswered, within the time bound', async () => {
      const { createServer } = await import('node:net');
      const silent = createServer((socket) => socket.resume());
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      try {
        const result = await runTcpLoad(load('tcp', port, { connections: 1, window: 2, seconds: 0.1, timeoutMs: 50 }));
        expect(result).to.include({ sent: 2, verified: 0, unanswered: 2 });
      } finally {
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });
  });

  describe('mixFileText', () => {
    it('lists each request of the mix and then its expected reply, one per line', () => {
      expect(mixFileText(3)).to.equal('+,0,1\n200,1\n*,1,2\n200,2\n-,2,0.5\n200,1.5\n');
      const lines = mixFileText(64).split('\n');
      expect(lines).to.have.length(129);
      expect(lines[2 * 14]).to.equal(mixedRequest(14).text);
      expect(lines[2 * 14 + 1]).to.equal(mixedRequest(14).expected);
    });
  });

  describe('mixedRequest', () => {
    it('gives distinct requests whose expected replies follow the protocol', () => {
      expect(mixedRequest(0)).to.deep.equal({ text: '+,0,1', expected: '200,1' });
      expect(mixedRequest(3)).to.deep.equal({ text: '/,3,4', expected: '200,0.75' });
      expect(mixedRequest(7)).to.deep.equal({ text: '+,7,oops', expected: '300,-1' });
      expect(new Set(Array.from({ length: 64 }, (_, k) => mixedRequest(k).text)).size).to.be.greaterThan(60);
    });
  });

  describe('LatencyRecorder', () => {
    it('reports nearest-rank percentiles and counts samples past its capacity', () => {
      const latencies = new LatencyRecorder(1000);
      for (let i = 1000; i >= 1; i -= 1) latencies.record(i);
      latencies.record(5000);
      expect(latencies.summary()).to.deep.equal({ samples: 1000, p50: 500, p99: 990, p999: 999, max: 1000, mean: 500.5 });
      expect(latencies.dropped).to.equal(1);
    });
  });

  describe('summarizeProfile', () => {
    it('sums self time per function and per source from the sample deltas, idle excluded from the base', () => {
      const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
      const profile = {
        nodes: [
          { id: 1, callFrame: frame('(idle)', '') },
          { id: 2, callFrame: frame('parse', 'file:///repo/node_modules/zod/v4/core/schemas.js') },
          { id: 3, callFrame: frame('push', 'file:///repo/dist/lib/framing/LineDecoder.js') },
        ],
        samples: [1, 2, 3, 2],
        timeDeltas: [5000, 3000, 1000, 1000],
      };
      const summary = summarizeProfile(profile);
      expect(summary).to.include({ totalMs: 10, busyMs: 5 });
      expect(summary.sources).to.deep.equal([
        { name: 'zod', selfMs: 4, percent: 80 },
        { name: 'lib/framing/LineDecoder.js', selfMs: 1, percent: 20 },
      ]);
      expect(summary.functions[0]).to.deep.equal({ name: 'parse zod:10', selfMs: 4, percent: 80 });
    });
  });
});
