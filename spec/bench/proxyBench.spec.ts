import { expect } from 'chai';
import { measureProxies } from '../../bench/proxy/proxyBench.js';
import { parseBenchArgs } from '../../bench/run/benchArgs.js';

describe('bench: the impairment proxy against a plain pipe proxy (issue 14)', function () {
  this.timeout(30000);

  it('measures both side by side: every byte through each, round trips through each, the added p50 and the ratio', async () => {
    const result = await measureProxies({ runs: 2, mebibytes: 4, roundTrips: 50 });
    expect(result.runs).to.equal(2);
    for (const value of [result.p50Micros.direct, result.p50Micros.plain, result.p50Micros.rxnet, result.throughputMiBps.plain, result.throughputMiBps.rxnet]) {
      expect(value).to.be.a('number').and.be.greaterThan(0);
    }
    expect(result.addedP50Micros).to.equal(Math.round((result.p50Micros.rxnet - result.p50Micros.direct) * 10) / 10);
    expect(result.throughputRatio).to.be.greaterThan(0);
  });

  it('is a scenario of npm run bench: --only proxy-tcp', () => {
    expect([...(parseBenchArgs(['--only', 'proxy-tcp'])?.only ?? [])]).to.deep.equal(['proxy-tcp']);
  });
});
