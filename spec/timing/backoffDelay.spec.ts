import { expect } from 'chai';
import { backoffDelay, withJitter } from '../../lib/timing/backoffDelay.js';

describe('backoffDelay', () => {
  it('doubles from initial while the wait is at most max, then gives up (the seed --expb rule)', () => {
    const schedule = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, { initial: 100, max: 2000 }));
    expect(schedule).to.deep.equal([100, 200, 400, 800, 1600, undefined]);
  });

  it('gives 3 waits with an initial of 100 ms and a max of 400 ms', () => {
    const schedule = [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, { initial: 100, max: 400 }));
    expect(schedule).to.deep.equal([100, 200, 400, undefined]);
  });

  it('keeps a wait equal to max', () => {
    expect(backoffDelay(2, { initial: 1000, max: 2000 })).to.equal(2000);
    expect(backoffDelay(3, { initial: 1000, max: 2000 })).to.equal(undefined);
  });

  it('uses the factor', () => {
    const schedule = [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, { initial: 10, factor: 3, max: 100 }));
    expect(schedule).to.deep.equal([10, 30, 90, undefined]);
  });

  it('gives up at once when initial already exceeds max', () => {
    expect(backoffDelay(1, { initial: 300, max: 200 })).to.equal(undefined);
  });

  it('sums to 3100 ms over the 5 attempts of the seed schedule with a 100 ms timeout', () => {
    let total = 0;
    for (let attempt = 1, wait = backoffDelay(1, { initial: 100, max: 2000 }); wait !== undefined; attempt += 1) {
      total += wait;
      wait = backoffDelay(attempt + 1, { initial: 100, max: 2000 });
    }
    expect(total).to.equal(3100);
  });
});

describe('withJitter', () => {
  it('returns the wait unchanged with no jitter', () => {
    expect(withJitter(1000, 0, () => 0.99)).to.equal(1000);
  });

  it('returns the full wait when random gives 0 and shortens it by the whole jitter as random nears 1', () => {
    expect(withJitter(1000, 0.5, () => 0)).to.equal(1000);
    expect(withJitter(1000, 0.5, () => 0.5)).to.equal(750);
    expect(withJitter(1000, 0.5, () => 1 - Number.EPSILON)).to.be.closeTo(500, 1e-9);
  });

  it('is sane: 1000 draws of Math.random all lie within [wait * (1 - jitter), wait]', () => {
    for (const jitter of [0.1, 0.5, 1]) {
      for (let i = 0; i < 1000; i += 1) {
        const wait = withJitter(800, jitter);
        expect(wait).to.be.at.least(800 * (1 - jitter)).and.at.most(800);
      }
    }
  });

  it('is sane: draws spread over the interval rather than sticking to one end', () => {
    const draws = Array.from({ length: 1000 }, () => withJitter(1000, 0.5));
    expect(Math.min(...draws)).to.be.below(600);
    expect(Math.max(...draws)).to.be.above(900);
  });
});
