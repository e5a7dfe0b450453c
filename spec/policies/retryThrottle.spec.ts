import { expect } from 'chai';
import { defer, mergeMap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { constantBackoff } from '../../lib/policies/backoff/constantBackoff.js';
import { backoffRetry } from '../../lib/policies/backoffRetry.js';
import { retryThrottle } from '../../lib/policies/retryThrottle.js';
import { drive, expectInvalidOption, systemError } from './helpers.js';

describe('retryThrottle', () => {
  it('starts at maxTokens, takes 1 per failure and gives back tokenRatio per success', () => {
    const throttle = retryThrottle({ maxTokens: 10, tokenRatio: 0.5 });
    expect(throttle.tokens).to.equal(10);
    throttle.onFailure();
    throttle.onFailure();
    expect(throttle.tokens).to.equal(8);
    throttle.onSuccess();
    expect(throttle.tokens).to.equal(8.5);
  });

  it('stops retries at or below maxTokens / 2, and resumes once successes lift it over (gRFC A6)', () => {
    const throttle = retryThrottle({ maxTokens: 10, tokenRatio: 0.1 });
    for (let i = 0; i < 4; i += 1) throttle.onFailure();
    expect([throttle.tokens, throttle.tryRetry()]).to.deep.equal([6, true]);
    throttle.onFailure();
    expect([throttle.tokens, throttle.tryRetry()]).to.deep.equal([5, false]);
    throttle.onSuccess();
    expect(throttle.tryRetry(), '5.1 > 5').to.equal(true);
  });

  it('counts in thousandths, so ten successes of 0.1 give back exactly 1', () => {
    const throttle = retryThrottle({ maxTokens: 10, tokenRatio: 0.1 });
    for (let i = 0; i < 5; i += 1) throttle.onFailure();
    for (let i = 0; i < 10; i += 1) throttle.onSuccess();
    expect(throttle.tokens).to.equal(6);
  });

  it('stays within 0 and maxTokens', () => {
    const throttle = retryThrottle({ maxTokens: 2, tokenRatio: 1 });
    throttle.onSuccess();
    expect(throttle.tokens).to.equal(2);
    for (let i = 0; i < 5; i += 1) throttle.onFailure();
    expect(throttle.tokens).to.equal(0);
  });

  it('should stop retrying a failing server for every request of the client once the tokens are at half', () => {
    const testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    testScheduler.run(({ cold, expectObservable }) => {
      const throttle = retryThrottle({ maxTokens: 4, tokenRatio: 1 });
      let attempts = 0;
      const failing = defer(() => {
        attempts += 1;
        return cold('-#', undefined, systemError('ECONNRESET'));
      });
      // Request a: fails (4 -> 3), retried at 2, fails (3 -> 2): no more. Request b: fails (2 -> 1), not retried.
      const requests = cold('a----b|');
      const expected = '     ---F--(F|)';
      const policy = backoffRetry<string>({ backoff: constantBackoff(1, { maxRetries: 5 }), limiter: throttle, scheduler: testScheduler });
      expectObservable(drive(requests, { a: failing, b: failing }, policy)).toBe(expected);
      testScheduler.schedule(() => expect([attempts, throttle.tokens]).to.deep.equal([3, 1]), 7);
      expectObservable(cold('8ms a|').pipe(mergeMap(() => failing.pipe(policy)))).toBe('9ms #', undefined, systemError('ECONNRESET'));
    });
  });

  it('rejects maxTokens above 1000 and a tokenRatio of 0 at once', () => {
    expectInvalidOption(() => retryThrottle({ maxTokens: 1001 }), 'Invalid maxTokens "1001" (expected a number greater than 0 and at most 1000)');
    expectInvalidOption(() => retryThrottle({ tokenRatio: 0 }), 'Invalid tokenRatio "0" (expected a number greater than 0)');
  });
});
