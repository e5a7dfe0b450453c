import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import sinon from 'sinon';
import { catchError, mergeMap, of, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import {
  ERR_RXNET_INVALID_OPTION,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  isTimeoutError,
  RxnetInvalidOptionError,
} from '../../lib/errors.js';

/** The first `count` waits of an iterable schedule (which may be endless). */
export function firstWaits(schedule: Iterable<number>, count: number): number[] {
  const out: number[] = [];
  const waits = schedule[Symbol.iterator]();
  while (out.length < count) {
    const next = waits.next();
    if (next.done === true) break;
    out.push(next.value);
  }
  return out;
}

/** A random source that returns `values` in order, and throws if asked for one more. */
export function rolls(...values: number[]): sinon.SinonStub<[], number> {
  const random = sinon.stub<[], number>().throws(new Error('no roll left'));
  values.forEach((value, i) => random.onCall(i).returns(value));
  return random;
}

/** Asserts that `fn` throws an RxnetInvalidOptionError with exactly `message`. */
export function expectInvalidOption(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).to.be.an.instanceOf(RxnetInvalidOptionError);
  expect((caught as RxnetInvalidOptionError).code).to.equal(ERR_RXNET_INVALID_OPTION);
  expect((caught as RxnetInvalidOptionError).message).to.equal(message);
}

/** A Node-style system error, as a socket would raise it. */
export function systemError(code: string): Error {
  return Object.assign(new Error(`read ${code}`), { code });
}

/** How a request's error shows in a marble: B a BrokenCircuitError, R a BulkheadRejectedError, T a timeout, F any other. */
export function label(err: unknown): string {
  if (isBrokenCircuitError(err)) return 'B';
  if (isBulkheadRejectedError(err)) return 'R';
  if (isTimeoutError(err)) return 'T';
  return 'F';
}

/**
 * Sends one request per value of `requests`, `sources[value]` through `policy`, all at once
 * (mergeMap), and shows each request's values, or its error as a letter (see {@link label}).
 */
export function drive(
  requests: Observable<string>,
  sources: Readonly<Record<string, Observable<string>>>,
  policy: MonoTypeOperatorFunction<string>,
): Observable<string> {
  return requests.pipe(
    mergeMap((key) => {
      const source = sources[key];
      if (source === undefined) throw new Error(`no source for request ${key}`);
      return source.pipe(
        policy,
        catchError((err: unknown) => of(label(err))),
      );
    }),
  );
}

/**
 * The two unsubscription specs of RxJS's operator specs, for an operator that passes values
 * through (`should allow unsubscribing explicitly and early`, `should not break unsubscription
 * chain when unsubscribed explicitly`). Call it inside the operator's describe.
 */
export function unsubscriptionSpecs(makeOperator: (scheduler: TestScheduler) => MonoTypeOperatorFunction<string>): void {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--|');
      const e1subs = '  ^------!';
      const expected = '--a--b--';
      const unsub = '   -------!';
      expectObservable(e1.pipe(makeOperator(testScheduler)), unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--|');
      const e1subs = '  ^------!';
      const expected = '--a--b--';
      const unsub = '   -------!';
      const result = e1.pipe(
        mergeMap((x) => of(x)),
        makeOperator(testScheduler),
        mergeMap((x) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
}
