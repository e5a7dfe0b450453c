import { expect } from 'chai';
import { catchError, defer, EMPTY, mergeMap, range, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { constantBackoff } from '../../lib/policies/backoff/constantBackoff.js';
import { backoffRetry } from '../../lib/policies/backoffRetry.js';
import { retryBudget } from '../../lib/policies/retryBudget.js';
import { expectInvalidOption, systemError } from './helpers.js';

/** A scheduler whose clock the test sets; retryBudget only reads it. */
function clockAt(start = 0): SchedulerLike & { ms: number } {
  const clock = {
    ms: start,
    now: () => clock.ms,
    schedule: () => {
      throw new Error('retryBudget schedules nothing');
    },
  };
  return clock as unknown as SchedulerLike & { ms: number };
}

/** How many of `count` retries the budget lets through. */
function retries(budget: { tryRetry(): boolean }, count: number): number {
  let allowed = 0;
  for (let i = 0; i < count; i += 1) if (budget.tryRetry()) allowed += 1;
  return allowed;
}

describe('retryBudget', () => {
  it('allows ratio retries per request (Finagle: 0.5 lets 1 request in 2 be retried)', () => {
    const budget = retryBudget({ ratio: 0.5, minPerSecond: 0, scheduler: clockAt() });
    for (let i = 0; i < 4; i += 1) budget.onRequest();
    expect(budget.balance).to.equal(2);
    expect(retries(budget, 5)).to.equal(2);
    expect(budget.balance).to.equal(0);
  });

  it('keeps a reserve of minPerSecond * ttl retries for a client with few requests', () => {
    const budget = retryBudget({ ratio: 0.2, minPerSecond: 10, ttlMs: 10_000, scheduler: clockAt() });
    expect(budget.balance).to.equal(100);
    expect(retries(budget, 101)).to.equal(100);
  });

  it('lets deposits expire after ttl', () => {
    const clock = clockAt();
    const budget = retryBudget({ ratio: 1, minPerSecond: 0, ttlMs: 1000, scheduler: clock });
    budget.onRequest();
    budget.onRequest();
    clock.ms = 999;
    expect(budget.balance, 'within the window').to.equal(2);
    clock.ms = 1000;
    expect(budget.balance, 'expired').to.equal(0);
  });

  it('lets withdrawals expire too, so the reserve comes back: minPerSecond is a rate', () => {
    const clock = clockAt();
    const budget = retryBudget({ ratio: 0.2, minPerSecond: 1, ttlMs: 1000, scheduler: clock });
    expect(retries(budget, 2)).to.equal(1);
    clock.ms = 1000;
    expect(retries(budget, 2)).to.equal(1);
  });

  it('earns nothing from requests with a ratio of 0: retries come from the reserve alone', () => {
    const budget = retryBudget({ ratio: 0, minPerSecond: 1, ttlMs: 1000, scheduler: clockAt() });
    for (let i = 0; i < 100; i += 1) budget.onRequest();
    expect(retries(budget, 5)).to.equal(1);
  });

  it('takes nothing from the balance on a refused retry', () => {
    const budget = retryBudget({ ratio: 0.5, minPerSecond: 0, scheduler: clockAt() });
    budget.onRequest();
    expect(budget.tryRetry()).to.equal(false);
    budget.onRequest();
    expect(budget.tryRetry()).to.equal(true);
  });

  it('should hold a failing server to requests * (1 + ratio) attempts, shared by every request of the client', () => {
    const testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    let attempts = 0;
    testScheduler.run(({ cold }) => {
      const budget = retryBudget({ ratio: 0.2, minPerSecond: 0, scheduler: testScheduler });
      const failing = defer(() => {
        attempts += 1;
        return cold('-#', undefined, systemError('ECONNRESET'));
      });
      // 50 requests, one a frame; each would retry 3 times without the budget (200 attempts).
      const requests = range(0, 50).pipe(mergeMap((i) => cold(`${i}ms a|`)));
      requests
        .pipe(mergeMap(() => failing.pipe(backoffRetry({ backoff: constantBackoff(1, { maxRetries: 3 }), limiter: budget, scheduler: testScheduler }), catchError(() => EMPTY))))
        .subscribe();
    });
    expect(attempts).to.equal(50 + 50 * 0.2);
  });

  it('rejects a ttl outside 1-60 s and a negative ratio at once', () => {
    expectInvalidOption(() => retryBudget({ ttlMs: 500 }), 'Invalid ttlMs "500" (expected a number of milliseconds from 1000 to 60000)');
    expectInvalidOption(() => retryBudget({ ratio: -1 }), 'Invalid ratio "-1" (expected a number from 0 to 1000)');
  });
});
