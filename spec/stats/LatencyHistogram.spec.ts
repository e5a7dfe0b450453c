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
