import { expect } from 'chai';
import { consecutiveBreaker } from '../../../lib/policies/breakers/consecutiveBreaker.js';
import { countBreaker } from '../../../lib/policies/breakers/countBreaker.js';
import { samplingBreaker } from '../../../lib/policies/breakers/samplingBreaker.js';
import type { Breaker } from '../../../lib/policies/breakers/Breaker.js';
import { CIRCUIT_CLOSED, CIRCUIT_HALF_OPEN } from '../../../lib/policies/CircuitState.js';
import { expectInvalidOption } from '../helpers.js';

/** Feeds outcomes ('ok' or 'fail', at time `at`) to a closed breaker; returns whether each failure would open it. */
function feed(breaker: Breaker, outcomes: ReadonlyArray<'ok' | 'fail'>, at: (i: number) => number = () => 0): Array<boolean | '-'> {
  return outcomes.map((outcome, i) => {
    if (outcome === 'ok') {
      breaker.success(CIRCUIT_CLOSED, at(i));
      return '-';
    }
    return breaker.failure(CIRCUIT_CLOSED, at(i));
  });
}

describe('breakers', () => {
  describe('consecutiveBreaker', () => {
    it('opens on the threshold-th failure in a row', () => {
      expect(feed(consecutiveBreaker(3), ['fail', 'fail', 'fail'])).to.deep.equal([false, false, true]);
    });

    it('starts the count over after a success', () => {
      expect(feed(consecutiveBreaker(3), ['fail', 'fail', 'ok', 'fail', 'fail', 'fail'])).to.deep.equal([false, false, '-', false, false, true]);
    });

    it('rejects a threshold of 0 at once', () => {
      expectInvalidOption(() => consecutiveBreaker(0), 'Invalid threshold "0" (expected an integer of at least 1)');
    });
  });

  describe('countBreaker', () => {
    it('opens when more than threshold of the last size outcomes failed', () => {
      const breaker = countBreaker({ threshold: 0.5, size: 4 });
      expect(feed(breaker, ['ok', 'fail', 'ok', 'fail', 'fail'])).to.deep.equal(['-', false, '-', false, true]);
    });

    it('does not open before minimumCalls outcomes, even if all failed', () => {
      const breaker = countBreaker({ threshold: 0.5, size: 10, minimumCalls: 3 });
      expect(feed(breaker, ['fail', 'fail', 'fail'])).to.deep.equal([false, false, true]);
    });

    it('slides: the oldest outcome leaves the window', () => {
      const breaker = countBreaker({ threshold: 0.5, size: 2 });
      // window [fail, ok] = 1/2, not above; then [ok, fail] = 1/2; then [fail, fail] = 2/2.
      expect(feed(breaker, ['fail', 'ok', 'fail', 'fail'])).to.deep.equal([false, '-', false, true]);
    });

    it('empties the window on a trial success, so old failures are forgotten', () => {
      const breaker = countBreaker({ threshold: 0.5, size: 3 });
      feed(breaker, ['fail', 'fail']);
      breaker.success(CIRCUIT_HALF_OPEN, 0);
      expect(feed(breaker, ['fail', 'ok'])).to.deep.equal([false, '-']);
    });

    it('opens again on a trial failure', () => {
      expect(countBreaker({ threshold: 0.5, size: 3 }).failure(CIRCUIT_HALF_OPEN, 0)).to.equal(true);
    });

    it('rejects a threshold of 1 and a minimumCalls above size at once', () => {
      expectInvalidOption(() => countBreaker({ threshold: 1, size: 2 }), 'Invalid threshold "1" (expected a number between 0 and 1, both excluded)');
      expectInvalidOption(() => countBreaker({ threshold: 0.5, size: 2, minimumCalls: 3 }), 'Invalid minimumCalls "3" (expected an integer from 1 to size)');
    });
  });

  describe('samplingBreaker', () => {
    it('opens when the failure ratio of the window is above threshold with enough throughput', () => {
      const breaker = samplingBreaker({ threshold: 0.5, durationMs: 1000, minimumRps: 4 });
      // 4 outcomes needed in the second; at 100 ms apart: ok, fail, fail (3 outcomes: too few), fail (3/4).
      expect(feed(breaker, ['ok', 'fail', 'fail', 'fail'], (i) => i * 100)).to.deep.equal(['-', false, false, true]);
    });

    it('does not open under the minimum throughput, however many fail', () => {
      const breaker = samplingBreaker({ threshold: 0.5, durationMs: 1000, minimumRps: 4 });
      // One failure every 400 ms: never more than 3 in a window of 1000 ms.
      expect(feed(breaker, ['fail', 'fail', 'fail', 'fail', 'fail'], (i) => i * 400)).to.deep.equal([false, false, false, false, false]);
    });

    it('forgets outcomes older than the window', () => {
      const breaker = samplingBreaker({ threshold: 0.5, durationMs: 1000, minimumRps: 2 });
      feed(breaker, ['fail'], () => 0);
      // At 1000 ms the first failure has left the window: 1 failure and 1 success, 1/2 is not above.
      expect(feed(breaker, ['ok', 'fail'], () => 1000)).to.deep.equal(['-', false]);
    });

    it('defaults minimumRps to 5 / threshold (at least 5 failures a second)', () => {
      const breaker = samplingBreaker({ threshold: 0.5, durationMs: 1000 });
      const outcomes = Array.from({ length: 10 }, () => 'fail' as const);
      expect(feed(breaker, outcomes, (i) => i * 10).indexOf(true)).to.equal(9);
    });

    it('rejects a duration of 0 at once', () => {
      expectInvalidOption(() => samplingBreaker({ threshold: 0.5, durationMs: 0 }), 'Invalid durationMs "0" (expected a finite number of milliseconds greater than 0)');
    });
  });
});
