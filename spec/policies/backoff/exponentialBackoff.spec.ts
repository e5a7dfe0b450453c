import { expect } from 'chai';
import { exponentialBackoff, GRPC_CONNECTION_BACKOFF } from '../../../lib/policies/backoff/exponentialBackoff.js';
import { fullJitter, symmetricJitter } from '../../../lib/policies/backoff/Jitter.js';
import { expectInvalidOption, firstWaits, rolls } from '../helpers.js';

describe('exponentialBackoff', () => {
  it('gives the seed --expb schedule exactly: 100, 200, 400, 800, 1600, then gives up', () => {
    const backoff = exponentialBackoff({ initial: 100, giveUpAbove: 2000 });
    expect([...backoff]).to.deep.equal([100, 200, 400, 800, 1600]);
  });

  it('lays the seed schedule end to end as sends at 0, 100, 300, 700, 1500 ms and a give-up at 3100 ms', () => {
    const sends = [0];
    for (const wait of exponentialBackoff({ initial: 100, giveUpAbove: 2000 })) sends.push((sends.at(-1) ?? 0) + wait);
    expect(sends).to.deep.equal([0, 100, 300, 700, 1500, 3100]);
  });

  it('keeps a wait equal to giveUpAbove', () => {
    expect([...exponentialBackoff({ initial: 1000, giveUpAbove: 2000 })]).to.deep.equal([1000, 2000]);
  });

  it('gives no wait at all when initial already exceeds giveUpAbove, or giveUpAbove is 0', () => {
    expect([...exponentialBackoff({ initial: 300, giveUpAbove: 200 })]).to.deep.equal([]);
    expect([...exponentialBackoff({ initial: 300, giveUpAbove: 0 })]).to.deep.equal([]);
  });

  it('caps a wait at max and goes on', () => {
    expect(firstWaits(exponentialBackoff({ initial: 100, max: 400 }), 6)).to.deep.equal([100, 200, 400, 400, 400, 400]);
  });

  it('uses the factor', () => {
    expect(firstWaits(exponentialBackoff({ initial: 10, factor: 3 }), 4)).to.deep.equal([10, 30, 90, 270]);
  });

  it('ends after maxRetries waits', () => {
    expect([...exponentialBackoff({ initial: 10, maxRetries: 3 })]).to.deep.equal([10, 20, 40]);
  });

  it('starts over at the first wait on every iteration (the reset after success)', () => {
    const backoff = exponentialBackoff({ initial: 100, giveUpAbove: 2000 });
    const first = backoff[Symbol.iterator]();
    first.next();
    first.next();
    expect(first.next().value).to.equal(400);
    expect(backoff[Symbol.iterator]().next().value).to.equal(100);
  });

  it('gives the same schedule as its delay function', () => {
    const backoff = exponentialBackoff({ initial: 100, giveUpAbove: 2000 });
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoff.delay(attempt, undefined))).to.deep.equal([100, 200, 400, 800, 1600, undefined]);
  });

  it('jitters after the cap, with the random source given', () => {
    const backoff = exponentialBackoff({ initial: 100, max: 400, jitter: fullJitter, random: rolls(0.5, 0.5, 0.5, 0.25) });
    expect(firstWaits(backoff, 4)).to.deep.equal([50, 100, 200, 100]);
  });

  it('decides to give up on the un-jittered wait', () => {
    const backoff = exponentialBackoff({ initial: 100, giveUpAbove: 200, jitter: symmetricJitter(0.5), random: () => 0 });
    expect([...backoff]).to.deep.equal([50, 100]);
  });

  describe('GRPC_CONNECTION_BACKOFF', () => {
    it('is 1 s, times 1.6, capped at 120 s', () => {
      expect(GRPC_CONNECTION_BACKOFF).to.include({ initial: 1000, factor: 1.6, max: 120_000 });
      const exact = exponentialBackoff({ ...GRPC_CONNECTION_BACKOFF, random: () => 0.5 });
      const waits = firstWaits(exact, 13).map(Math.round);
      expect(waits).to.deep.equal([1000, 1600, 2560, 4096, 6554, 10486, 16777, 26844, 42950, 68719, 109951, 120000, 120000]);
    });

    it('spreads every wait, the first included, by 20 % either way', () => {
      const low = firstWaits(exponentialBackoff({ ...GRPC_CONNECTION_BACKOFF, random: () => 0 }), 13);
      const high = firstWaits(exponentialBackoff({ ...GRPC_CONNECTION_BACKOFF, random: () => 1 - Number.EPSILON }), 13);
      expect(low[0]).to.equal(800);
      expect(high[0]).to.be.closeTo(1200, 1e-9);
      expect(low[12]).to.equal(96_000);
      expect(high[12]).to.be.closeTo(144_000, 1e-6);
    });

    it('is frozen', () => {
      expect(Object.isFrozen(GRPC_CONNECTION_BACKOFF)).to.equal(true);
    });
  });

  describe('options', () => {
    const bad: ReadonlyArray<[string, Parameters<typeof exponentialBackoff>[0], string]> = [
      ['initial 0', { initial: 0 }, 'Invalid initial "0" (expected a finite number of milliseconds greater than 0)'],
      ['factor below 1', { initial: 1, factor: 0.5 }, 'Invalid factor "0.5" (expected a number of at least 1)'],
      ['max -1', { initial: 1, max: -1 }, 'Invalid max "-1" (expected a number of milliseconds greater than 0)'],
      ['giveUpAbove NaN', { initial: 1, giveUpAbove: Number.NaN }, 'Invalid giveUpAbove "NaN" (expected a number of milliseconds of at least 0)'],
      ['maxRetries 1.5', { initial: 1, maxRetries: 1.5 }, 'Invalid maxRetries "1.5" (expected an integer of at least 0)'],
    ];
    for (const [name, options, message] of bad) {
      it(`rejects ${name} at once`, () => expectInvalidOption(() => exponentialBackoff(options), message));
    }
  });
});
