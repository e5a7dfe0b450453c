import { expect } from 'chai';
import { backoffOf } from '../../../lib/policies/backoff/Backoff.js';
import { constantBackoff } from '../../../lib/policies/backoff/constantBackoff.js';
import { decorrelatedJitterBackoff } from '../../../lib/policies/backoff/decorrelatedJitterBackoff.js';
import { expectInvalidOption, firstWaits, rolls } from '../helpers.js';

describe('constantBackoff', () => {
  it('waits the same before every retry, maxRetries times', () => {
    expect([...constantBackoff(500, { maxRetries: 3 })]).to.deep.equal([500, 500, 500]);
  });

  it('goes on forever without maxRetries', () => {
    expect(firstWaits(constantBackoff(0), 100)).to.have.length(100);
  });

  it('rejects a negative wait at once', () => {
    expectInvalidOption(() => constantBackoff(-1), 'Invalid ms "-1" (expected a finite number of milliseconds of at least 0)');
  });
});

describe('backoffOf', () => {
  it('passes the attempt and the previous wait to the delay function, and stops at undefined', () => {
    const calls: Array<[number, number | undefined]> = [];
    const backoff = backoffOf((attempt, previous) => {
      calls.push([attempt, previous]);
      return attempt < 4 ? attempt * 10 : undefined;
    });
    expect([...backoff]).to.deep.equal([10, 20, 30]);
    expect(calls).to.deep.equal([
      [1, undefined],
      [2, 10],
      [3, 20],
      [4, 30],
    ]);
  });

  it('gives up after maxRetries, in the iterator and in its delay function', () => {
    const backoff = backoffOf(() => 5, 2);
    expect([...backoff]).to.deep.equal([5, 5]);
    expect(backoff.delay(3, 5)).to.equal(undefined);
  });
});

describe('decorrelatedJitterBackoff', () => {
  it('draws each wait from [initial, 3 * previous), the first from [initial, 3 * initial)', () => {
    const backoff = decorrelatedJitterBackoff({ initial: 100, max: 10_000, random: rolls(0.5, 0.5, 0) });
    // 100 + 0.5 * (300 - 100) = 200; 100 + 0.5 * (600 - 100) = 350; then the floor, 100.
    expect(firstWaits(backoff, 3)).to.deep.equal([200, 350, 100]);
  });

  it('caps every wait at max', () => {
    expect(firstWaits(decorrelatedJitterBackoff({ initial: 100, max: 250, random: () => 0.99 }), 4)).to.deep.equal([250, 250, 250, 250]);
  });

  it('is sane: 100 schedules of 50 waits stay within [initial, min(max, 3 * previous)]', () => {
    for (let run = 0; run < 100; run += 1) {
      let previous = 100;
      for (const wait of firstWaits(decorrelatedJitterBackoff({ initial: 100, max: 5000 }), 50)) {
        expect(wait).to.be.at.least(100).and.at.most(Math.min(5000, 3 * previous));
        previous = wait;
      }
    }
  });

  it('rejects a max below initial at once', () => {
    expectInvalidOption(() => decorrelatedJitterBackoff({ initial: 100, max: 50 }), 'Invalid max "50" (expected a finite number of milliseconds of at least initial)');
  });
});
