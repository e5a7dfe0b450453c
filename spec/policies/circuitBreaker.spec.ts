import { expect } from 'chai';
import { mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { BrokenCircuitError, BulkheadRejectedError, ERR_RXNET_BROKEN_CIRCUIT, RxnetProtocolError, isTransientError } from '../../lib/errors.js';
import { exponentialBackoff } from '../../lib/policies/backoff/exponentialBackoff.js';
import { consecutiveBreaker } from '../../lib/policies/breakers/consecutiveBreaker.js';
import { samplingBreaker } from '../../lib/policies/breakers/samplingBreaker.js';
import { circuitBreaker } from '../../lib/policies/circuitBreaker.js';
import { CIRCUIT_CLOSED, CIRCUIT_HALF_OPEN, CIRCUIT_OPEN } from '../../lib/policies/CircuitState.js';
import { drive, expectInvalidOption, unsubscriptionSpecs } from './helpers.js';

const STATES = { c: CIRCUIT_CLOSED, o: CIRCUIT_OPEN, h: CIRCUIT_HALF_OPEN };

describe('circuitBreaker', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should pass values through while closed', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--|');
      const e1subs = '   ^-------!';
      const expected = ' --a--b--|';
      const breaker = circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter: 10, scheduler: testScheduler });
      expectObservable(e1.pipe(breaker)).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should open on the breaker, refuse at once while open, and close on a trial success after halfOpenAfter', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const requests = cold('a-b-c-------de-f|');
      const a = cold('       -#');
      const b = cold('         -#');
      const c = cold('           -z|');
      const e = cold('                    -x|');
      const f = cold('                      -y|');
      const asubs = '        ^!';
      const bsubs = '        --^!';
      const esubs = '        -------------^-!';
      const fsubs = '        ---------------^-!';
      const expected = '     -F-FB-------B-x-y|';
      const states = '       c--o---------hc';

      const breaker = circuitBreaker({ breaker: consecutiveBreaker(2), halfOpenAfter: 10, scheduler: testScheduler });
      expectObservable(breaker.state$).toBe(states, STATES);
      expectObservable(drive(requests, { a, b, c, d: c, e, f }, breaker)).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(asubs);
      expectSubscriptions(b.subscriptions).toBe(bsubs);
      expectSubscriptions(c.subscriptions).toBe([]);
      expectSubscriptions(e.subscriptions).toBe(esubs);
      expectSubscriptions(f.subscriptions).toBe(fsubs);
    });
  });

  it('should refuse with a coded BrokenCircuitError saying how long the circuit stays open', () => {
    let caught: unknown;
    testScheduler.run(({ cold }) => {
      const breaker = circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter: 10, scheduler: testScheduler });
      cold('-#').pipe(breaker).subscribe({ error: () => undefined });
      testScheduler.schedule(() => cold('-a|').pipe(breaker).subscribe({ error: (err: unknown) => (caught = err) }), 3);
    });
    expect(caught).to.be.an.instanceOf(BrokenCircuitError);
    const err = caught as BrokenCircuitError;
    expect(err.name).to.equal('BrokenCircuitError');
    expect(err.code).to.equal(ERR_RXNET_BROKEN_CIRCUIT);
    expect(err.message).to.equal('Circuit breaker is open: no request is sent for 8 ms more');
    expect(err.info).to.deep.equal({ state: 'open', retryAfterMs: 8 });
    expect(isTransientError(err)).to.equal(false);
  });

  it('should open again on a trial failure, for the next wait of a Backoff', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // Opens at 1 for 10; the trial at 11 fails at 12: open for 20, until 32; the trial at 32 succeeds.
      const requests = cold('a 10ms b 7ms c 12ms d|');
      const fail = cold('    -#');
      const ok = cold('      -x|');
      const expected = '     -F 10ms F 6ms B 13ms x|';
      const states = '       co 9ms ho 19ms hc';
      const halfOpenAfter = exponentialBackoff({ initial: 10, factor: 2 });
      const breaker = circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter, scheduler: testScheduler });
      expectObservable(breaker.state$).toBe(states, STATES);
      expectObservable(drive(requests, { a: fail, b: fail, c: ok, d: ok }, breaker)).toBe(expected);
    });
  });

  it('should refuse other requests while the trial is in flight (cockatiel issue #107)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const requests = cold('a--bc---d|');
      const fail = cold('    -#');
      const slow = cold('       ---x|');
      const other = cold('       -y|');
      const slowsubs = '     ---^---!';
      const othersubs = '    --------^-!';
      const expected = '     -F--B-x--y|';
      const breaker = circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter: 2, scheduler: testScheduler });
      expectObservable(drive(requests, { a: fail, b: slow, c: other, d: other }, breaker)).toBe(expected);
      expectSubscriptions(slow.subscriptions).toBe(slowsubs);
      expectSubscriptions(other.subscriptions).toBe(othersubs);
    });
  });

  it('should free the trial when the trial is unsubscribed before its outcome, and stay half-open', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const fail = cold('-#');
      const never = cold('-');
      const ok = cold('-x|');
      const breaker = circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter: 2, scheduler: testScheduler });
      fail.pipe(breaker).subscribe({ error: () => undefined });
      testScheduler.schedule(() => {
        const trial = never.pipe(breaker).subscribe();
        testScheduler.schedule(() => trial.unsubscribe(), 1);
      }, 3);
      const states = 'co-h--c';
      expectObservable(breaker.state$, '^ 10ms !').toBe(states, STATES);
      // At 4 the abandoned trial is gone; at 5: this request is the new trial and closes the circuit.
      expectObservable(cold('5ms a|').pipe(mergeMap(() => ok.pipe(breaker)))).toBe('6ms x|');
    });
  });

  it('should not count another policy refusal as a failure by default', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const requests = cold('a-b-c|');
      const refused = cold(' -#', undefined, new BulkheadRejectedError({ limit: 1, queue: 0 }));
      const ok = cold('      -x|');
      const expected = '     -R-R-x|';
      const breaker = circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter: 10, scheduler: testScheduler });
      expectObservable(drive(requests, { a: refused, b: refused, c: ok }, breaker)).toBe(expected);
    });
  });

  it('should count only the errors isFailure accepts', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const requests = cold('a-b-c|');
      const invalid = cold(' -#', undefined, new RxnetProtocolError('bad reply', { received: 'x' }));
      const ok = cold('      -x|');
      const expected = '     -F-F-x|';
      const breaker = circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter: 10, isFailure: isTransientError, scheduler: testScheduler });
      expectObservable(drive(requests, { a: invalid, b: invalid, c: ok }, breaker)).toBe(expected);
    });
  });

  it('should open on a failure ratio over a time window, with the scheduler as its clock (samplingBreaker)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // 4 outcomes in 1000 ms are needed; the 4th (a failure, 3 of 4) opens the circuit.
      const requests = cold('a 99ms b 99ms c 99ms d 99ms e|');
      const ok = cold('      -x|');
      const fail = cold('    -#');
      const expected = '     -x 99ms F 99ms F 99ms F 98ms B|';
      const breaker = circuitBreaker({ breaker: samplingBreaker({ threshold: 0.5, durationMs: 1000, minimumRps: 4 }), halfOpenAfter: 1000, scheduler: testScheduler });
      expectObservable(drive(requests, { a: ok, b: fail, c: fail, d: fail, e: ok }, breaker)).toBe(expected);
    });
  });

  unsubscriptionSpecs((scheduler) => circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter: 10, scheduler }));

  it('should have recorded the outcome when it is seen, so a retry outside finds the circuit as the failure left it', () => {
    const breaker = circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter: 10 });
    let seen: string | undefined;
    expect(breaker.state).to.equal(CIRCUIT_CLOSED);
    of(1)
      .pipe(
        mergeMap(() => {
          throw new Error('down');
        }),
        breaker,
      )
      .subscribe({ error: () => (seen = breaker.state) });
    expect(seen).to.equal(CIRCUIT_OPEN);
  });

  it('should reject a missing breaker and a negative halfOpenAfter at once', () => {
    expectInvalidOption(
      () => circuitBreaker({ breaker: undefined as never, halfOpenAfter: 10 }),
      'Invalid breaker "undefined" (expected a breaker (consecutiveBreaker, countBreaker, samplingBreaker))',
    );
    expectInvalidOption(
      () => circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter: -1 }),
      'Invalid halfOpenAfter "-1" (expected a number of milliseconds of at least 0, or a Backoff)',
    );
    expectInvalidOption(
      () => circuitBreaker({ breaker: consecutiveBreaker(1), halfOpenAfter: '10' as never }),
      'Invalid halfOpenAfter "10" (expected a number of milliseconds of at least 0, or a Backoff)',
    );
  });
});
