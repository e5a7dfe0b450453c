import { expect } from 'chai';
import { mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { evaluate } from '../../../lib/calc/operators/evaluate.js';
import type { CalcOutcome, ParsedRequest } from '../../../lib/calc/protocol/types.js';

describe('evaluate', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const requests: Record<string, ParsedRequest> = {
    a: { ok: true, request: { op: '+', a: 1, b: 1 } },
    b: { ok: false, reason: 'expected three fields OP,A,B' },
    c: { ok: true, request: { op: '/', a: 1, b: 0 } },
    d: { ok: true, request: { op: '^', a: 2, b: 10 } },
    e: { ok: true, request: { op: '%', a: 1, b: 0 } },
  };
  const outcomes: Record<string, CalcOutcome> = {
    A: { ok: true, value: 2 },
    B: { ok: false, reason: 'expected three fields OP,A,B' },
    C: { ok: false, reason: '1 / 0 has no finite result' },
    D: { ok: true, value: 1024 },
    E: { ok: false, reason: '1 % 0 has no finite result' },
  };

  it('evaluates each request, passing parse failures through unchanged', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -a--b--c--d--e--|', requests);
      const e1subs = '   ^---------------!';
      const expected = ' -A--B--C--D--E--|';

      expectObservable(e1.pipe(evaluate())).toBe(expected, outcomes);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('turns an arithmetic error into a failure value and keeps the stream open', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --c--e--a--|', requests);
      const e1subs = '   ^----------!';
      const expected = ' --C--E--A--|';

      expectObservable(e1.pipe(evaluate())).toBe(expected, outcomes);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('passes an error from the source through', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--#', requests, new Error('upstream'));
      const e1subs = '   ^----!';
      const expected = ' --A--#';

      expectObservable(e1.pipe(evaluate())).toBe(expected, outcomes, new Error('upstream'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('completes with an empty source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold<ParsedRequest>('  |');
      const e1subs = '   (^!)';
      const expected = ' |';

      expectObservable(e1.pipe(evaluate())).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', requests);
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --A--B---      ';

      expectObservable(e1.pipe(evaluate()), unsub).toBe(expected, outcomes);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', requests);
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --A--B---      ';

      const result = e1.pipe(
        mergeMap((value: ParsedRequest) => of(value)),
        evaluate(),
        mergeMap((value: CalcOutcome) => of(value)),
      );

      expectObservable(result, unsub).toBe(expected, outcomes);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
