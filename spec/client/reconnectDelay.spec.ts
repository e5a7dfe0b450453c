import { expect } from 'chai';
import { RECONNECT_DEFAULTS, reconnectBackoff, reconnectDelay, reconnectDelays, replacementBackoff } from '../../lib/client/reconnectDelay.js';
import { GRPC_CONNECTION_BACKOFF } from '../../lib/policies/backoff/exponentialBackoff.js';
import { seededRandom } from '../helpers/udpPeer.js';

/** The first `n` waits of an iterable schedule. */
function first(n: number, waits: Iterable<number>): number[] {
  const taken: number[] = [];
  for (const wait of waits) {
    if (taken.length === n) break;
    taken.push(wait);
  }
  return taken;
}

describe('reconnectDelay', () => {
  describe('with jitter 0 (an exact schedule)', () => {
    const schedule = { initial: 100, factor: 2, max: 2000, jitter: 0 };

    it('waits initial * factor^(failures - 1) and gives up once that exceeds max', () => {
      const waits = [1, 2, 3, 4, 5, 6].map((failures) => reconnectDelay(failures, 0, schedule));
      expect(waits).to.deep.equal([100, 200, 400, 800, 1600, undefined]);
    });

    it('keeps a wait equal to max', () => {
      expect(reconnectDelay(3, 0, { initial: 50, factor: 2, max: 200, jitter: 0 })).to.equal(200);
      expect(reconnectDelay(4, 0, { initial: 50, factor: 2, max: 200, jitter: 0 })).to.equal(undefined);
    });

    it('waits the same each time with factor 1', () => {
      expect([1, 2, 10].map((n) => reconnectDelay(n, 0, { initial: 30, factor: 1, max: 30, jitter: 0 }))).to.deep.equal([30, 30, 30]);
    });

    it('gives up after maxAttempts failed attempts', () => {
      const options = { ...schedule, maxAttempts: 3 };
      expect([1, 2, 3].map((n) => reconnectDelay(n, 0, options))).to.deep.equal([100, 200, undefined]);
    });

    it('gives up when the next attempt would start after maxElapsed', () => {
      const options = { ...schedule, maxElapsed: 700 };
      expect(reconnectDelay(3, 300, options)).to.equal(400);
      expect(reconnectDelay(3, 301, options)).to.equal(undefined);
    });

    it('gives up at once when max is below initial (no reconnect)', () => {
      expect(reconnectDelay(1, 0, { initial: 100, factor: 2, max: 0, jitter: 0 })).to.equal(undefined);
    });

    it('cuts a wait to cap and goes on, without max', () => {
      expect([1, 2, 3, 4, 50].map((n) => reconnectDelay(n, 0, { initial: 100, factor: 2, cap: 300, jitter: 0 }))).to.deep.equal([100, 200, 300, 300, 300]);
    });

    it('never draws from random', () => {
      const random = (): number => expect.fail('drew a random number');
      expect(first(4, reconnectBackoff({ initial: 10, factor: 2, jitter: 0, random }))).to.deep.equal([10, 20, 40, 80]);
    });
  });

  describe('by default (gRPC\'s connection backoff, issue 15)', () => {
    it('is 1 s, x1.6, capped at 120 s, jitter 0.2, as GRPC_CONNECTION_BACKOFF, and never gives up', () => {
      expect(RECONNECT_DEFAULTS).to.deep.equal({ initial: 1000, factor: 1.6, cap: 120_000, jitter: 0.2 });
      expect(RECONNECT_DEFAULTS).to.include({ initial: GRPC_CONNECTION_BACKOFF.initial, factor: GRPC_CONNECTION_BACKOFF.factor, cap: GRPC_CONNECTION_BACKOFF.max });
      expect(reconnectDelay(10_000, 1e12, RECONNECT_DEFAULTS)).to.be.a('number');
    });

    it('spreads each wait within ±20 % of 1000 * 1.6^(n-1), cut to 120 000, with a seeded random', () => {
      const random = seededRandom(15);
      const waits = first(20, reconnectBackoff({ ...RECONNECT_DEFAULTS, random }));
      waits.forEach((wait, i) => {
        const exact = Math.min(1000 * 1.6 ** i, 120_000);
        expect(wait, `wait ${i + 1}`).to.be.within(exact * 0.8, exact * 1.2);
      });
      // The same seed gives the same schedule: a test can pin it.
      expect(first(20, reconnectBackoff({ ...RECONNECT_DEFAULTS, random: seededRandom(15) }))).to.deep.equal(waits);
      expect(new Set(waits.slice(12)).size, 'the capped waits still differ').to.equal(8);
    });

    it('reaches both ends of the ±20 % band', () => {
      expect(reconnectDelay(1, 0, { ...RECONNECT_DEFAULTS, random: () => 0 })).to.equal(800);
      expect(reconnectDelay(1, 0, { ...RECONNECT_DEFAULTS, random: () => 0.5 })).to.equal(1000);
      expect(reconnectDelay(2, 0, { ...RECONNECT_DEFAULTS, random: () => 0.999_999 })).to.be.closeTo(1920, 0.01);
    });

    it('gives up on the un-jittered wait, so a jittered schedule with max is as long as the exact one', () => {
      const options = { initial: 100, factor: 2, max: 2000 };
      for (let seed = 1; seed <= 20; seed += 1) {
        const next = reconnectDelays({ ...options, random: seededRandom(seed) });
        expect([1, 2, 3, 4, 5, 6].map((n) => next(n, 0) === undefined)).to.deep.equal([false, false, false, false, false, true]);
      }
    });
  });

  describe('replacementBackoff', () => {
    it('is the reconnect schedule capped at cap and max, never ending', () => {
      expect(first(6, replacementBackoff({ initial: 100, factor: 2, max: 400, jitter: 0 }))).to.deep.equal([100, 200, 400, 400, 400, 400]);
      expect(first(3, replacementBackoff({ initial: 100, factor: 2, cap: 150, jitter: 0 }))).to.deep.equal([100, 150, 150]);
    });

    it('is jittered as the reconnects are, by default', () => {
      const waits = first(5, replacementBackoff({ ...RECONNECT_DEFAULTS, random: seededRandom(7) }));
      waits.forEach((wait, i) => expect(wait).to.be.within(800 * 1.6 ** i, 1200 * 1.6 ** i));
      expect(waits).to.not.deep.equal([1000, 1600, 2560, 4096, 6553.6]);
    });
  });
});
