import { expect } from 'chai';
import { defer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  backoffRetry,
  bulkhead,
  circuitBreaker,
  CIRCUIT_CLOSED,
  consecutiveBreaker,
  exponentialBackoff,
  fullJitter,
  GRPC_CONNECTION_BACKOFF,
  isBrokenCircuitError,
  replyTimeout,
  retryBudget,
} from '../../lib/index.js';

describe('policies: the public API (the example at the top of docs/policies.md)', () => {
  it('should answer through the policies composed as the docs show, each of them from the barrel', () => {
    const testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const scheduler = testScheduler;
      const budget = retryBudget({ ratio: 0.2, minPerSecond: 10, scheduler });
      const breaker = circuitBreaker({ breaker: consecutiveBreaker(5), halfOpenAfter: 10_000, scheduler });
      const limited = bulkhead({ limit: 8, queue: 32 });
      // random 0.5: the first retry waits 50 ms.
      const backoff = exponentialBackoff({ initial: 100, max: 2000, maxRetries: 3, jitter: fullJitter, random: () => 0.5 });
      // The first attempt is lost (never answered), the second answers after 10 ms.
      let attempt = 0;
      const first = cold('-');
      const second = cold('10ms a|');
      const request$ = defer(() => (attempt++ === 0 ? first : second));
      const answer$ = request$.pipe(replyTimeout({ ms: 500, scheduler }), backoffRetry({ backoff, limiter: budget, scheduler }), breaker, limited);
      expectObservable(answer$).toBe('560ms a|');
      expectSubscriptions(first.subscriptions).toBe('^ 499ms !');
      expectSubscriptions(second.subscriptions).toBe('550ms ^ 10ms !');
      expect(breaker.state).to.equal(CIRCUIT_CLOSED);
    });
    expect(isBrokenCircuitError(new Error('x'))).to.equal(false);
    expect(GRPC_CONNECTION_BACKOFF.initial).to.equal(1000);
  });
});
