import { expect } from 'chai';
import { LatencyHistogram } from '../../lib/stats/LatencyHistogram.js';

describe('LatencyHistogram', () => {
  it('reports 0 for every percentile when empty', () => {
    const histogram = new LatencyHistogram();
    expect([histogram.count, histogram.percentile(0.5), histogram.percentile(0.99)]).to.deep.equal([0, 0, 0]);
  });

  it('gives percentiles within 10% of the exact ones', () => {
    const histogram = new LatencyHistogram();
    for (let micros = 1; micros <= 10_000; micros += 1) histogram.record(micros);
    expect(histogram.count).to.equal(10_000);
    for (const [q, exact] of [[0.5, 5000], [0.99, 9900], [0.999, 9990]] as const) {
      const reported = histogram.percentile(q);
      expect(reported, `p${q * 100}`).to.be.within(exact, exact * 1.1);
    }
  });

  it('puts huge latencies in the last bucket instead of growing', () => {
    const histogram = new LatencyHistogram();
    histogram.record(1e15);
    expect(histogram.percentile(1)).to.be.greaterThan(1e9);
  });

  it('orders percentiles: p50 <= p99 <= p999', () => {
    const histogram = new LatencyHistogram();
    for (const micros of [5, 5, 5, 5, 5, 5, 5, 5, 5, 900]) histogram.record(micros);
    const [p50, p99, p999] = [0.5, 0.99, 0.999].map((q) => histogram.percentile(q)) as [number, number, number];
    expect(p50).to.be.at.most(6);
    expect(p99).to.be.at.least(900);
    expect(p999).to.be.at.least(p99);
  });
});

describe('LatencyHistogram#buckets', () => {
  it('counts each latency at or under each bound, cumulatively, with its weight', () => {
    const histogram = new LatencyHistogram();
    histogram.record(5, 2); // on the first bound: counted there (Prometheus's le is "at or under")
    histogram.record(5.5);
    histogram.record(900, 10);
    histogram.record(3e6);
    const { boundsMicros, cumulative, count, sumMicros } = histogram.buckets();
    const at = (micros: number): number => cumulative[boundsMicros.indexOf(micros)] ?? -1;
    expect(boundsMicros[0]).to.equal(5);
    expect(boundsMicros.at(-1)).to.equal(2_500_000);
    expect([at(5), at(10), at(500), at(1000), at(2_500_000)]).to.deep.equal([2, 3, 3, 13, 13]);
    expect(count).to.equal(14);
    expect(sumMicros).to.equal(5 * 2 + 5.5 + 900 * 10 + 3e6);
  });

  it('weights the percentiles too: record(micros, count) is count records of micros', () => {
    const weighted = new LatencyHistogram();
    const repeated = new LatencyHistogram();
    weighted.record(40, 99);
    weighted.record(5000);
    for (let i = 0; i < 99; i += 1) repeated.record(40);
    repeated.record(5000);
    for (const q of [0.5, 0.99, 0.999]) expect(weighted.percentile(q), `p${q * 100}`).to.equal(repeated.percentile(q));
    expect(weighted.buckets()).to.deep.equal(repeated.buckets());
    expect(weighted.percentile(0.999)).to.be.at.least(5000);
  });
});
