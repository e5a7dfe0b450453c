import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { RxnetTimeoutError, isTransientError } from '../../lib/errors.js';
import { replyTimeout } from '../../lib/policies/replyTimeout.js';
import { expectInvalidOption, unsubscriptionSpecs } from './helpers.js';

describe('replyTimeout', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should error with a transient RxnetTimeoutError when no value comes in time', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  ------a|');
      const e1subs = '   ^---!';
      const expected = ' ----#';
      const timedOut = new RxnetTimeoutError({ attempts: 1, elapsedMs: 4 });
      expectObservable(e1.pipe(replyTimeout({ ms: 4, scheduler: testScheduler }))).toBe(expected, undefined, timedOut);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expect(isTransientError(timedOut)).to.equal(true);
    });
  });

  it('should not time the values after the first', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a----b|');
      const e1subs = '   ^-------!';
      const expected = ' --a----b|';
      expectObservable(e1.pipe(replyTimeout({ ms: 4, scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should say how long it waited', () => {
    let caught: unknown;
    testScheduler.run(({ cold }) => {
      cold('-').pipe(replyTimeout({ ms: 500, scheduler: testScheduler })).subscribe({ error: (err: unknown) => (caught = err) });
    });
    expect((caught as RxnetTimeoutError).message).to.equal('Timed out after 1 attempt in 500 ms');
    expect((caught as RxnetTimeoutError).info).to.deep.equal({ attempts: 1, elapsedMs: 500 });
  });

  unsubscriptionSpecs((scheduler) => replyTimeout({ ms: 4, scheduler }));

  it('should reject a wait of 0 at once', () => {
    expectInvalidOption(() => replyTimeout({ ms: 0 }), 'Invalid ms "0" (expected a finite number of milliseconds greater than 0)');
  });
});
