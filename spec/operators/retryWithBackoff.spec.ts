import { expect } from 'chai';
import { mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ERR_RXNET_INVALID_OPTION,
  ERR_RXNET_TIMEOUT,
  RxnetConnectionError,
  RxnetInvalidOptionError,
  RxnetTimeoutError,
} from '../../lib/errors.js';
import { retryWithBackoff } from '../../lib/operators/retryWithBackoff.js';

/** A Node-style system error, as a socket would raise it. */
function systemError(code: string): Error {
  return Object.assign(new Error(`read ${code}`), { code });
}

describe('retryWithBackoff', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should resubscribe at 0, 100, 300, 700 and 1500 ms and give up at 3100 ms when nothing answers', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      const subs = [
        '^ 99ms !',
        '100ms ^ 199ms !',
        '300ms ^ 399ms !',
        '700ms ^ 799ms !',
        '1500ms ^ 1599ms !',
      ];
      const expected = '3100ms #';
      const result = source.pipe(retryWithBackoff({ initial: 100, max: 2000, scheduler: testScheduler }));
      expectObservable(result).toBe(expected, undefined, new RxnetTimeoutError({ attempts: 5, elapsedMs: 3100 }));
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should give up with an RxnetTimeoutError saying how many attempts were made and for how long', () => {
    let caught: unknown;
    testScheduler.run(({ cold }) => {
      cold('-')
        .pipe(retryWithBackoff({ initial: 100, max: 2000, scheduler: testScheduler }))
        .subscribe({ error: (err: unknown) => (caught = err) });
    });
    expect(caught).to.be.an.instanceOf(RxnetTimeoutError);
    const err = caught as RxnetTimeoutError;
    expect(err.code).to.equal(ERR_RXNET_TIMEOUT);
    expect(err.name).to.equal('RxnetTimeoutError');
    expect(err.message).to.equal('Timed out after 5 attempts in 3100 ms');
    expect(err.info).to.deep.equal({ attempts: 5, elapsedMs: 3100 });
  });

  it('should make 3 attempts when max is 400 ms', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      const subs = ['^ 99ms !', '100ms ^ 199ms !', '300ms ^ 399ms !'];
      const expected = '700ms #';
      const result = source.pipe(retryWithBackoff({ initial: 100, max: 400 }));
      expectObservable(result).toBe(expected, undefined, new RxnetTimeoutError({ attempts: 3, elapsedMs: 700 }));
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should make a single attempt with a fixed timeout when retry is false', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      const subs = '^ 99ms !';
      const expected = '100ms #';
      const result = source.pipe(retryWithBackoff({ initial: 100, max: 2000, retry: false }));
      expectObservable(result).toBe(expected, undefined, new RxnetTimeoutError({ attempts: 1, elapsedMs: 100 }));
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should say "1 attempt" in the message of a single-attempt timeout', () => {
    let caught: unknown;
    testScheduler.run(({ cold }) => {
      cold('-')
        .pipe(retryWithBackoff({ initial: 250, retry: false }))
        .subscribe({ error: (err: unknown) => (caught = err) });
    });
    expect((caught as RxnetTimeoutError).message).to.equal('Timed out after 1 attempt in 250 ms');
  });

  it('should make one attempt when initial exceeds the default max and no max is given', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      const subs = '^ 4999ms !';
      const expected = '5000ms #';
      expectObservable(source.pipe(retryWithBackoff({ initial: 5000 }))).toBe(expected, undefined, new RxnetTimeoutError({ attempts: 1, elapsedMs: 5000 }));
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should emit the answer of the k-th attempt and stop resubscribing', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('350ms a|');
      const subs = ['^ 99ms !', '100ms ^ 199ms !', '300ms ^ 350ms !'];
      const expected = '650ms a|';
      const result = source.pipe(retryWithBackoff({ initial: 100, max: 2000 }));
      expectObservable(result).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should pass an answer of the first attempt through without resubscribing', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--|');
      const subs = '^ 4ms !';
      const expected = '--a--|';
      expectObservable(source.pipe(retryWithBackoff({ initial: 100 }))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should not time the values after the first', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('50ms a 500ms b|');
      const subs = '^ 551ms !';
      const expected = '50ms a 500ms b|';
      expectObservable(source.pipe(retryWithBackoff({ initial: 100 }))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should complete when an attempt completes without a value', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--|');
      const subs = '^-!';
      const expected = '--|';
      expectObservable(source.pipe(retryWithBackoff({ initial: 100 }))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should pass a non-transient error straight through without another attempt', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const boom = new Error('boom');
      const source = cold('50ms #', undefined, boom);
      const subs = '^ 49ms !';
      const expected = '50ms #';
      expectObservable(source.pipe(retryWithBackoff({ initial: 100 }))).toBe(expected, undefined, boom);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should retry a transient error when its attempt window ends, and pass it through after the last attempt', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const reset = systemError('ECONNRESET');
      const source = cold('50ms #', undefined, reset);
      const subs = ['^ 49ms !', '100ms ^ 49ms !', '300ms ^ 49ms !', '700ms ^ 49ms !', '1500ms ^ 49ms !'];
      const expected = '1550ms #';
      expectObservable(source.pipe(retryWithBackoff({ initial: 100, max: 2000 }))).toBe(expected, undefined, reset);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should retry an RxnetConnectionError and emit the answer of the next attempt', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const broke = new RxnetConnectionError('Connection to tcp://127.0.0.1:9 broke', { address: 'tcp://127.0.0.1:9' });
      let attempt = 0;
      const failing = cold('10ms #', undefined, broke);
      const answering = cold('20ms a|');
      const source = of(null).pipe(mergeMap(() => (++attempt === 1 ? failing : answering)));
      const expected = '120ms a|';
      expectObservable(source.pipe(retryWithBackoff({ initial: 100 }))).toBe(expected);
      expectSubscriptions(failing.subscriptions).toBe('^ 9ms !');
      expectSubscriptions(answering.subscriptions).toBe('100ms ^ 20ms !');
    });
  });

  it('should use shouldRetry to decide which errors are retried', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const reset = systemError('ECONNRESET');
      const source = cold('50ms #', undefined, reset);
      const subs = '^ 49ms !';
      const result = source.pipe(retryWithBackoff({ initial: 100, shouldRetry: () => false }));
      expectObservable(result).toBe('50ms #', undefined, reset);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should shorten each wait by the jitter and keep the un-jittered number of attempts', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      // random 0.5 with jitter 0.5: every wait is 75% of the schedule: 75, 150, 300, 600, 1200.
      const subs = ['^ 74ms !', '75ms ^ 149ms !', '225ms ^ 299ms !', '525ms ^ 599ms !', '1125ms ^ 1199ms !'];
      const expected = '2325ms #';
      const result = source.pipe(retryWithBackoff({ initial: 100, max: 2000, jitter: 0.5, random: () => 0.5 }));
      expectObservable(result).toBe(expected, undefined, new RxnetTimeoutError({ attempts: 5, elapsedMs: 2325 }));
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should start a fresh schedule for each subscription to the result', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      const result = source.pipe(retryWithBackoff({ initial: 10, max: 20 }));
      expectObservable(result).toBe('30ms #', undefined, new RxnetTimeoutError({ attempts: 2, elapsedMs: 30 }));
      expectObservable(result, '100ms ^').toBe('130ms #', undefined, new RxnetTimeoutError({ attempts: 2, elapsedMs: 30 }));
      expectSubscriptions(source.subscriptions).toBe(['^ 9ms !', '10ms ^ 19ms !', '100ms ^ 9ms !', '110ms ^ 19ms !']);
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      const unsub = '250ms !';
      const subs = ['^ 99ms !', '100ms ^ 149ms !'];
      const expected = '-';
      expectObservable(source.pipe(retryWithBackoff({ initial: 100 })), unsub).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      const unsub = '250ms !';
      const subs = ['^ 99ms !', '100ms ^ 149ms !'];
      const expected = '-';
      const result = source.pipe(
        mergeMap((x: string) => of(x)),
        retryWithBackoff({ initial: 100 }),
        mergeMap((x: string) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  describe('options', () => {
    const invalid = (options: Parameters<typeof retryWithBackoff>[0]): RxnetInvalidOptionError => {
      try {
        retryWithBackoff(options);
      } catch (err) {
        expect(err).to.be.an.instanceOf(RxnetInvalidOptionError);
        expect((err as RxnetInvalidOptionError).code).to.equal(ERR_RXNET_INVALID_OPTION);
        return err as RxnetInvalidOptionError;
      }
      throw new Error('expected retryWithBackoff to throw');
    };

    it('throws at once for a factor that would never end the schedule', () => {
      expect(invalid({ factor: 1 }).message).to.equal('Invalid factor "1" (expected a number greater than 1)');
    });

    it('throws at once when max is below initial', () => {
      expect(invalid({ initial: 500, max: 100 }).message).to.equal(
        'Invalid max "100" (expected a number of milliseconds at least initial)',
      );
    });

    it('throws at once for a jitter outside [0, 1]', () => {
      expect(invalid({ jitter: 1.5 }).message).to.equal('Invalid jitter "1.5" (expected a number from 0 to 1)');
    });

    it('throws at once for a zero or infinite initial wait', () => {
      expect(invalid({ initial: 0 }).message).to.equal('Invalid initial "0" (expected a finite number of milliseconds greater than 0)');
      expect(invalid({ initial: Infinity, max: Infinity }).message).to.equal(
        'Invalid initial "Infinity" (expected a finite number of milliseconds greater than 0)',
      );
    });

    it('throws at once for an unknown option', () => {
      expect(invalid({ tries: 3 } as never).message).to.equal('Unknown option tries');
    });
  });
});
