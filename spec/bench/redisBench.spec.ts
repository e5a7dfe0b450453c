import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchmarkCsv, splitCsvLine, type BenchmarkRow } from '../../bench/redis/benchmarkCsv.js';
import { benchmarkArgs } from '../../bench/redis/benchmarkRun.js';
import { parseRedisBenchArgs } from '../../bench/redis/redisArgs.js';
import type { RedisBenchReport } from '../../bench/redis/redisBench.js';
import { summarizeRedisRuns, type RedisRun } from '../../bench/redis/redisSummary.js';
import { formatRedisTable } from '../../bench/redis/redisTable.js';
import { ROOT, runCli } from '../helpers/childProcess.js';
import { requireSystemTool } from '../helpers/requireSystemTool.js';

const HEADER = '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"';

describe('bench:redis: redis-benchmark against examples/respServer.ts and redis-server (issue 13)', function () {
  this.timeout(20000);

  describe('parseBenchmarkCsv', () => {
    const cases: readonly { name: string; csv: string; rows: BenchmarkRow[] }[] = [
      {
        name: 'redis-benchmark 7: a header and eight columns, by name',
        csv: `${HEADER}\n"SET","169348.02","4.665","0.416","4.143","7.895","13.215","151.551"\n"GET","174216.03","4.488","0.152","4.007","7.735","11.055","112.895"\n`,
        rows: [
          { test: 'SET', rps: 169348.02, avgMs: 4.665, p50Ms: 4.143, p99Ms: 13.215, maxMs: 151.551 },
          { test: 'GET', rps: 174216.03, avgMs: 4.488, p50Ms: 4.007, p99Ms: 11.055, maxMs: 112.895 },
        ],
      },
      {
        name: 'the older form: no header, two columns, no latencies',
        csv: '"SET","81234.50"\n"GET","90000.00"\n',
        rows: [
          { test: 'SET', rps: 81234.5 },
          { test: 'GET', rps: 90000 },
        ],
      },
      {
        name: 'CRLF, carriage returns and blank lines, unquoted fields',
        csv: `\r\n${HEADER}\r\nSET,1000,1,0.5,0.9,1.5,2,3\r\n\r\n`,
        rows: [{ test: 'SET', rps: 1000, avgMs: 1, p50Ms: 0.9, p99Ms: 2, maxMs: 3 }],
      },
      { name: 'nothing printed: no rows', csv: '', rows: [] },
      { name: 'a header only: no rows', csv: `${HEADER}\n`, rows: [] },
    ];
    for (const c of cases) {
      it(c.name, () => expect(parseBenchmarkCsv(c.csv)).to.deep.equal(c.rows));
    }

    it('columns in another order are found by their header (the test name is the first column)', () => {
      expect(parseBenchmarkCsv('"test","p99_latency_ms","rps","p50_latency_ms"\n"SET","3","10","2"\n')).to.deep.equal([{ test: 'SET', rps: 10, p50Ms: 2, p99Ms: 3 }]);
    });

    const failures: readonly { name: string; csv: string; message: RegExp }[] = [
      { name: 'an rps that is not a number', csv: '"SET","fast"\n', message: /bad rps "fast"/ },
      { name: 'a negative rps', csv: '"SET","-1"\n', message: /bad rps "-1"/ },
      { name: 'a missing latency', csv: `${HEADER}\n"SET","1000","1","0.5","","1.5","2","3"\n`, message: /bad p50Ms ""/ },
      { name: 'a line of one field', csv: 'WARNING: Could not fetch server CONFIG\n', message: /not a redis-benchmark CSV line/ },
      { name: 'a header without rps', csv: '"test","requests"\n"SET","5"\n', message: /header without an rps column/ },
      { name: 'an unterminated quote', csv: '"SET,"1000"\n', message: /unterminated quote/ },
    ];
    for (const f of failures) {
      it(`refuses ${f.name}, naming the line`, () => expect(() => parseBenchmarkCsv(f.csv)).to.throw(f.message));
    }

    it('splits quoted fields with commas and doubled quotes', () => {
      expect(splitCsvLine('"a,b","say ""hi""",c, d ')).to.deep.equal(['a,b', 'say "hi"', 'c', 'd']);
    });
  });

  describe('summarizeRedisRuns and formatRedisTable', () => {
    const row = (test: string, rps: number, p50Ms?: number, p99Ms?: number): BenchmarkRow => ({ test, rps, ...(p50Ms === undefined ? {} : { p50Ms }), ...(p99Ms === undefined ? {} : { p99Ms }) });
    const runs: RedisRun[] = [
      { server: 'rxnet', rows: [row('SET', 100_000, 4, 10), row('GET', 120_000, 3, 9)] },
      { server: 'redis-server', rows: [row('SET', 1_000_000, 0.4, 0.8), row('GET', 1_200_000, 0.3, 0.6)] },
      { server: 'rxnet', rows: [row('SET', 300_000, 2, 30), row('GET', 150_000, 5, 7)] },
      { server: 'redis-server', rows: [row('SET', 800_000, 0.6, 1.0), row('GET', 1_000_000, 0.5, 0.7)] },
      { server: 'rxnet', rows: [row('SET', 200_000, 3, 20), row('GET', 90_000, 4, 8)] },
      { server: 'redis-server', rows: [row('SET', 900_000, 0.5, 0.9), row('GET', 1_500_000, 0.2, 0.5)] },
    ];

    it('takes each server\'s median rps, p50 and p99 per test, in the order the tests came, and the ratio of the rps', () => {
      const [set, get] = summarizeRedisRuns(runs);
      expect(set?.test).to.equal('SET');
      expect(set?.servers.rxnet).to.deep.equal({ runs: 3, rps: 200_000, p50Ms: 3, p99Ms: 20, rpsByRun: [100_000, 300_000, 200_000] });
      expect(set?.servers['redis-server']).to.deep.equal({ runs: 3, rps: 900_000, p50Ms: 0.5, p99Ms: 0.9, rpsByRun: [1_000_000, 800_000, 900_000] });
      expect(set?.ratio).to.be.closeTo(200 / 900, 1e-12);
      expect(get?.test).to.equal('GET');
      expect(get?.servers.rxnet.rps).to.equal(120_000);
      expect(get?.servers['redis-server'].p50Ms).to.equal(0.3);
      expect(get?.ratio).to.equal(0.1);
    });

    it('gives NaN where a server has no run of a test or the CSV had no latencies (older redis-benchmark)', () => {
      const [set] = summarizeRedisRuns([{ server: 'rxnet', rows: [row('SET', 50_000)] }]);
      expect(set?.servers.rxnet.rps).to.equal(50_000);
      expect(set?.servers.rxnet.p50Ms).to.be.NaN;
      expect(set?.servers['redis-server'].runs).to.equal(0);
      expect(set?.ratio).to.be.NaN;
    });

    it('prints one markdown row per test: rps with thousands separators, the ratio to two places, p50 / p99 in ms to three, - for none', () => {
      const table = formatRedisTable([...summarizeRedisRuns(runs), ...summarizeRedisRuns([{ server: 'rxnet', rows: [row('PING', 1234.6)] }])]);
      expect(table.split('\n')).to.deep.equal([
        '| test | rxnet rps | redis-server rps | rxnet / redis-server | rxnet p50 / p99 ms | redis-server p50 / p99 ms |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        '| SET | 200,000 | 900,000 | 0.22 | 3.000 / 20.000 | 0.500 / 0.900 |',
        '| GET | 120,000 | 1,200,000 | 0.10 | 4.000 / 8.000 | 0.300 / 0.600 |',
        '| PING | 1,235 | - | - | - / - | - / - |',
      ]);
    });
  });

  describe('flags', () => {
    it('defaults to 200000 requests, 3 runs, docs/bench/redis.json; the load is -t set,get -P 16 -c 50 --csv', () => {
      const flags = parseRedisBenchArgs([]);
      expect(flags?.requests).to.equal(200_000);
      expect(flags?.runs).to.equal(3);
      expect(flags?.out).to.equal(join(ROOT, 'docs', 'bench', 'redis.json'));
      expect(benchmarkArgs(6379, 1000).join(' ')).to.equal('-h 127.0.0.1 -p 6379 -t set,get -P 16 -n 1000 -c 50 --csv');
      expect(parseRedisBenchArgs(['--help'])).to.equal(undefined);
    });

    for (const argv of [['--requests', '99'], ['--requests', '1000001'], ['--requests', '2e5'], ['--runs', '0'], ['--runs', '16'], ['--bogus'], ['extra']]) {
      it(`refuses ${argv.join(' ')}`, () => expect(() => parseRedisBenchArgs(argv)).to.throw());
    }

    it('exits 2 with one line on stderr for a bad flag', async () => {
      const result = await runCli(join(ROOT, 'dist', 'bench', 'redis', 'redisBench.js'), ['--runs', 'many']);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.equal('bench:redis: Invalid --runs "many" (expected an integer 1-15) (see --help)\n');
      expect(result.stdout).to.equal('');
    });
  });

  describe('a real run', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'rxnet-redis-bench-spec-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('--requests 2000 --runs 1 measures both servers, prints the table and writes the JSON', async () => {
      requireSystemTool('redis-server', 'redis-server');
      requireSystemTool('redis-benchmark', 'redis-tools');
      const out = join(dir, 'redis.json');
      const result = await runCli(join(ROOT, 'dist', 'bench', 'redis', 'redisBench.js'), ['--requests', '2000', '--runs', '1', '--out', out], { timeoutMs: 15000 });
      expect(result.code, result.stderr).to.equal(0);
      const report = JSON.parse(readFileSync(out, 'utf8')) as RedisBenchReport;
      expect(report.tests.map((t) => t.test)).to.deep.equal(['SET', 'GET']);
      for (const test of report.tests) {
        expect(test.servers.rxnet.rps, `${test.test} rxnet`).to.be.greaterThan(0);
        expect(test.servers['redis-server'].rps, `${test.test} redis-server`).to.be.greaterThan(0);
        expect(test.ratio).to.be.greaterThan(0);
      }
      expect(report.runs.map((r) => r.server)).to.deep.equal(['rxnet', 'redis-server']);
      expect(report.machine.redisServer).to.match(/^Redis server v=\d/);
      expect(report.machine.nproc).to.be.greaterThan(0);
      expect(report.command).to.contain('redis-benchmark -h 127.0.0.1 -p PORT -t set,get -P 16 -n 2000 -c 50 --csv');
      expect(result.stdout).to.match(/^\| SET \| [\d,]+ \| [\d,]+ \| \d+\.\d\d \|/m);
      expect(result.stdout).to.match(/^\| GET \| [\d,]+ \| [\d,]+ \| \d+\.\d\d \|/m);
      expect(result.stdout).to.match(report.settings.pinned ? /servers pinned to CPU 0/ : /unpinned: taskset not found/);
    });
  });
});
