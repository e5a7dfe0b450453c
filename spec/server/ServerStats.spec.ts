import { expect } from 'chai';
import { ServerStats } from '../../lib/server/ServerStats.js';

describe('ServerStats latency (issue 15: perf_hooks histogram, sampled per read)', () => {
  it('reports 0 for every percentile before the first sample', () => {
    expect(new ServerStats().snapshot().latencyMicros).to.deep.equal({ p50: 0, p99: 0, p999: 0 });
  });

  it('gives percentiles within 1% of the exact ones', () => {
    const stats = new ServerStats();
    for (let micros = 1; micros <= 10_000; micros += 1) stats.replied(micros);
    const { p50, p99, p999 } = stats.snapshot().latencyMicros;
    expect(p50, 'p50').to.be.within(5000 * 0.99, 5000 * 1.01);
    expect(p99, 'p99').to.be.within(9900 * 0.99, 9900 * 1.01);
    expect(p999, 'p99.9').to.be.within(9990 * 0.99, 9990 * 1.01);
  });

  it('repliedMany counts every reply but records one latency sample for the read', () => {
    const stats = new ServerStats();
    stats.repliedMany(700, 40);
    stats.replied(5000);
    expect(stats.replies).to.equal(701);
    expect(stats.latency.count).to.equal(2);
    // Two samples: the read's and the single reply's, each half of them (not 700 to 1).
    expect(stats.snapshot().latencyMicros.p99).to.be.within(4950, 5050);
  });

  it('keeps sub-microsecond, fractional and huge latencies (the histogram takes whole µs from 1 to 2^32)', () => {
    const stats = new ServerStats();
    stats.replied(0.2);
    stats.replied(12.6);
    stats.replied(1e15);
    expect(stats.latency.count).to.equal(3);
    expect(stats.latency.min).to.equal(1);
    expect(stats.latency.max).to.be.at.least(2 ** 32 * 0.99);
    expect(stats.snapshot().latencyMicros.p50).to.be.within(13 * 0.99, 13 * 1.01);
  });

  it('hands each sample, as measured, to every attached observer until it is detached', () => {
    const stats = new ServerStats();
    const seen: number[] = [];
    const twice: number[] = [];
    const detach = stats.observeLatency((micros) => seen.push(micros));
    const observer = (micros: number): number => twice.push(micros);
    const detachFirst = stats.observeLatency(observer);
    stats.observeLatency(observer);
    stats.repliedMany(32, 20.5);
    detach();
    detachFirst();
    stats.replied(7);
    expect(seen).to.deep.equal([20.5]);
    expect(twice, 'the same observer attached twice is detached once').to.deep.equal([20.5, 20.5, 7]);
  });
});
