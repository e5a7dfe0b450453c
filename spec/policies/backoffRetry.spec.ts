import { expect } from 'chai';
import { defer, mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ERR_RXNET_TIMEOUT, RxnetTimeoutError } from '../../lib/errors.js';
import { constantBackoff } from '../../lib/policies/backoff/constantBackoff.js';
import { exponentialBackoff } from '../../lib/policies/backoff/exponentialBackoff.js';
import { backoffRetry } from '../../lib/policies/backoffRetry.js';
import { replyTimeout } from '../../lib/policies/replyTimeout.js';
import type { RetryLimiter } from '../../lib/policies/RetryLimiter.js';
import { expectInvalidOption, systemError } from './helpers.js';

const RESET = systemError('ECONNRESET');

/** A limiter that records its calls and answers tryRetry from `answers`. */
function recordingLimiter(answers: boolean[]): RetryLimiter & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    onRequest: () => void calls.push('request'),
    onSuccess: () => void calls.push('success'),
    onFailure: () => void calls.push('failure'),
    tryRetry: () => {
      const answer = answers.shift() ?? false;
      calls.push(`retry? ${answer}`);
      return answer;
    },
  };
}

describe('backoffRetry', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should resubscribe after each wait of the backoff and pass the error on when it ends', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --#', undefined, RESET);
      const e1subs = ['  ^-!', '     -----^-!', '          ----------^-!'];
      const expected = ' ------------#';
      const result = e1.pipe(backoffRetry({ backoff: constantBackoff(3, { maxRetries: 2 }), scheduler: testScheduler }));
      expectObservable(result).toBe(expected, undefined, RESET);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should wait the exponential schedule between attempts: 1, 2, 4', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  #', undefined, RESET);
      const e1subs = ['  (^!)', ' -(^!)', ' ---(^!)', ' -------(^!)'];
      const expected = ' -------#';
      const backoff = exponentialBackoff({ initial: 1, maxRetries: 3 });
      expectObservable(e1.pipe(backoffRetry({ backoff, scheduler: testScheduler }))).toBe(expected, undefined, RESET);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should emit the answer of a later attempt and stop resubscribing', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('  -#', undefined, RESET);
      const second = cold(' --a|');
      const firstsubs = '   ^!';
      const secondsubs = '  -^--!';
      const expected = '    ---a|';
      let attempt = 0;
      const source = defer(() => (attempt++ === 0 ? first : second));
      expectObservable(source.pipe(backoffRetry({ backoff: constantBackoff(0), scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(first.subscriptions).toBe(firstsubs);
      expectSubscriptions(second.subscriptions).toBe(secondsubs);
    });
  });

  it('should pass a non-transient error straight through without another attempt', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const boom = new Error('boom');
      const e1 = cold('  --#', undefined, boom);
      const e1subs = '   ^-!';
      const expected = ' --#';
      expectObservable(e1.pipe(backoffRetry({ backoff: constantBackoff(1), scheduler: testScheduler }))).toBe(expected, undefined, boom);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should retry what shouldRetry accepts', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const boom = new Error('boom');
      const e1 = cold('  -#', undefined, boom);
      const e1subs = ['  ^!', '  --^!'];
      const expected = ' ---#';
      const result = e1.pipe(backoffRetry({ backoff: constantBackoff(1, { maxRetries: 1 }), shouldRetry: () => true, scheduler: testScheduler }));
      expectObservable(result).toBe(expected, undefined, boom);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should give up on timeouts with an RxnetTimeoutError counting every attempt', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -');
      const e1subs = ['  ^ 99ms !', ' 150ms ^ 99ms !', ' 300ms ^ 99ms !'];
      const expected = ' 400ms #';
      const result = e1.pipe(
        replyTimeout({ ms: 100, scheduler: testScheduler }),
        backoffRetry({ backoff: constantBackoff(50, { maxRetries: 2 }), scheduler: testScheduler }),
      );
      expectObservable(result).toBe(expected, undefined, new RxnetTimeoutError({ attempts: 3, elapsedMs: 400 }));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should say how many attempts it made and keep the last timeout as the cause', () => {
    let caught: unknown;
    testScheduler.run(({ cold }) => {
      cold('-')
        .pipe(replyTimeout({ ms: 100, scheduler: testScheduler }), backoffRetry({ backoff: constantBackoff(0, { maxRetries: 2 }), scheduler: testScheduler }))
        .subscribe({ error: (err: unknown) => (caught = err) });
    });
    const err = caught as RxnetTimeoutError;
    expect(err).to.be.an.instanceOf(RxnetTimeoutError);
    expect(err.code).to.equal(ERR_RXNET_TIMEOUT);
    expect(err.message).to.equal('Timed out after 3 attempts in 300 ms');
    expect(err.info).to.deep.equal({ attempts: 3, elapsedMs: 300 });
    expect((err.cause as RxnetTimeoutError).message).to.equal('Timed out after 1 attempt in 100 ms');
  });

  it('should start the backoff over for every subscription', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const e1 = cold('#', undefined, RESET);
      const retried = e1.pipe(backoffRetry({ backoff: exponentialBackoff({ initial: 1, maxRetries: 2 }), scheduler: testScheduler }));
      expectObservable(retried).toBe('---#', undefined, RESET);
      expectObservable(cold('5ms a').pipe(mergeMap(() => retried))).toBe('5ms ---#', undefined, RESET);
    });
  });

  it('should start the backoff over after a value when resetOnSuccess is true', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // Attempt 2 emits before it fails: with the reset the waits are 1, (a) 1, 2; without it 1, 2.
      const attempts = () => {
        const scripts = ['#', 'a#'];
        return of(0).pipe(mergeMap(() => cold(scripts.shift() ?? '#', undefined, RESET)));
      };
      const backoff = exponentialBackoff({ initial: 1, maxRetries: 2 });
      expectObservable(attempts().pipe(backoffRetry({ backoff, resetOnSuccess: true, scheduler: testScheduler }))).toBe('-a---#', undefined, RESET);
      expectObservable(attempts().pipe(backoffRetry({ backoff, scheduler: testScheduler }))).toBe('-a--#', undefined, RESET);
    });
  });

  it('should tell the limiter of the request, each failure and the success, and ask it before each retry', () => {
    const limiter = recordingLimiter([true]);
    testScheduler.run(({ cold, expectObservable }) => {
      const attempts = [cold('-#', undefined, RESET), cold('-a|')];
      const source = of(0).pipe(mergeMap(() => attempts.shift() ?? cold('-#')));
      expectObservable(source.pipe(backoffRetry({ backoff: constantBackoff(1), limiter, scheduler: testScheduler }))).toBe('---a|');
    });
    expect(limiter.calls).to.deep.equal(['request', 'failure', 'retry? true', 'success']);
  });

  it('should give up at once when the limiter says no', () => {
    const limiter = recordingLimiter([false]);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -#', undefined, RESET);
      expectObservable(e1.pipe(backoffRetry({ backoff: constantBackoff(1), limiter, scheduler: testScheduler }))).toBe('-#', undefined, RESET);
      expectSubscriptions(e1.subscriptions).toBe('^!');
    });
    expect(limiter.calls).to.deep.equal(['request', 'failure', 'retry? false']);
  });

  it('should not ask the limiter once the backoff has ended (a budget is charged only for a retry sent)', () => {
    const limiter = recordingLimiter([true]);
    testScheduler.run(({ cold, expectObservable }) => {
      const e1 = cold('-#', undefined, RESET);
      expectObservable(e1.pipe(backoffRetry({ backoff: constantBackoff(1, { maxRetries: 0 }), limiter, scheduler: testScheduler }))).toBe('-#', undefined, RESET);
    });
    expect(limiter.calls).to.deep.equal(['request', 'failure']);
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --#', undefined, RESET);
      const e1subs = ['  ^-!', '  ----^!'];
      const expected = ' ------';
      const unsub = '    -----!';
      const result = e1.pipe(backoffRetry({ backoff: constantBackoff(2), scheduler: testScheduler }));
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --#', undefined, RESET);
      const e1subs = ['  ^-!', '  ----^!'];
      const expected = ' ------';
      const unsub = '    -----!';
      const result = e1.pipe(
        mergeMap((x: string) => of(x)),
        backoffRetry({ backoff: constantBackoff(2), scheduler: testScheduler }),
        mergeMap((x: string) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should reject a missing backoff at once', () => {
    expectInvalidOption(() => backoffRetry({ backoff: undefined as never }), 'Invalid backoff "undefined" (expected a Backoff (exponentialBackoff, constantBackoff...))');
  });
});
