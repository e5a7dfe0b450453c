import { expect } from 'chai';
import { defer, mergeMap, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { hedge } from '../../lib/policies/hedge.js';
import { retryThrottle } from '../../lib/policies/retryThrottle.js';
import { expectInvalidOption, systemError } from './helpers.js';

const RESET = systemError('ECONNRESET');

/** A source whose n-th subscription is `copies[n]`: one request sent again and again. */
function copiesOf(...copies: Array<Observable<string>>): Observable<string> {
  let sent = 0;
  return defer(() => {
    const copy = copies[sent];
    sent += 1;
    if (copy === undefined) throw new Error(`copy ${sent} was not expected`);
    return copy;
  });
}

describe('hedge', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should send a copy every delay while nothing answers, keep the first answer and cancel the others', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -----a|');
      const e1subs = ['  ^-----!', ' --^--!', ' ----^!'];
      const expected = ' -----a|';
      expectObservable(e1.pipe(hedge({ delay: 2, maxAttempts: 3, scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should send one copy only when it answers within the delay', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -a|');
      const e1subs = '   ^-!';
      const expected = ' -a|';
      expectObservable(e1.pipe(hedge({ delay: 2, scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should let a later copy win and cancel the slow first one', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('  ------a|');
      const fast = cold('    -b|');
      const slowsubs = '   ^--!';
      const fastsubs = '   --^-!';
      const expected = '   ---b|';
      expectObservable(copiesOf(slow, fast).pipe(hedge({ delay: 2, scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(slow.subscriptions).toBe(slowsubs);
      expectSubscriptions(fast.subscriptions).toBe(fastsubs);
    });
  });

  it('should send the next copy at once after a non-fatal error, and start the delay over', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-#', undefined, RESET);
      const slow = cold('    -------x|');
      const fast = cold('         -y|');
      const slowsubs = '     -^-----!';
      const fastsubs = '     ------^-!';
      const expected = '     -------y|';
      expectObservable(copiesOf(failing, slow, fast).pipe(hedge({ delay: 5, maxAttempts: 3, scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(slow.subscriptions).toBe(slowsubs);
      expectSubscriptions(fast.subscriptions).toBe(fastsubs);
    });
  });

  it('should cancel every copy and pass a fatal error through', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const boom = new Error('boom');
      const fatal = cold('  ----#', undefined, boom);
      const pending = cold('  -');
      const pendingsubs = ' --^-!';
      const expected = '    ----#';
      expectObservable(copiesOf(fatal, pending).pipe(hedge({ delay: 2, scheduler: testScheduler }))).toBe(expected, undefined, boom);
      expectSubscriptions(pending.subscriptions).toBe(pendingsubs);
    });
  });

  it('should pass the last error through when every copy has failed', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const refused = systemError('ECONNREFUSED');
      const first = cold('  -#', undefined, RESET);
      const second = cold('  -#', undefined, refused);
      expectObservable(copiesOf(first, second).pipe(hedge({ delay: 5, scheduler: testScheduler }))).toBe('--#', undefined, refused);
    });
  });

  it('should send no copy after the first while the throttle says no, and tell it the outcome', () => {
    const throttle = retryThrottle({ maxTokens: 2, tokenRatio: 0.5 });
    throttle.onFailure(); // 1 token: at half, no hedging
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -----a|');
      const e1subs = '   ^-----!';
      const expected = ' -----a|';
      expectObservable(e1.pipe(hedge({ delay: 2, limiter: throttle, scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(throttle.tokens, 'the answer gave back 0.5').to.equal(1.5);
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -----a|');
      const e1subs = ['  ^--!', ' --^!'];
      const expected = ' ---';
      const unsub = '    ---!';
      expectObservable(e1.pipe(hedge({ delay: 2, maxAttempts: 3, scheduler: testScheduler })), unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -----a|');
      const e1subs = ['  ^--!', ' --^!'];
      const expected = ' ---';
      const unsub = '    ---!';
      const result = e1.pipe(
        mergeMap((x) => of(x)),
        hedge({ delay: 2, maxAttempts: 3, scheduler: testScheduler }),
        mergeMap((x) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should reject more than 5 attempts at once (gRPC caps hedging at 5)', () => {
    expectInvalidOption(() => hedge({ delay: 10, maxAttempts: 6 }), 'Invalid maxAttempts "6" (expected an integer from 1 to 5)');
  });
});
