import { expect } from 'chai';
import { mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { encode } from '../../../lib/calc/operators/encode.js';
import type { CalcOutcome } from '../../../lib/calc/protocol/types.js';

describe('encode', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const outcomes: Record<string, CalcOutcome> = {
    a: { ok: true, value: 2 },
    b: { ok: false, reason: '1 / 0 has no finite result' },
    c: { ok: true, value: -0 },
    d: { ok: true, value: 1e21 },
    e: { ok: true, value: 0.1 + 0.2 },
  };
  const replies: Record<string, string> = {
    A: '200,2',
    B: '300,-1',
    C: '200,0',
    D: '200,1e+21',
    E: '200,0.30000000000000004',
  };

  it('encodes each outcome as reply text without a terminator', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -a--b--c--d--e--|', outcomes);
      const e1subs = '   ^---------------!';
      const expected = ' -A--B--C--D--E--|';

      expectObservable(e1.pipe(encode())).toBe(expected, replies);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('passes an error from the source through', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--#', outcomes, new Error('upstream'));
      const e1subs = '   ^----!';
      const expected = ' --A--#';

      expectObservable(e1.pipe(encode())).toBe(expected, replies, new Error('upstream'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('completes with an empty source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold<CalcOutcome>('  |');
      const e1subs = '   (^!)';
      const expected = ' |';

      expectObservable(e1.pipe(encode())).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', outcomes);
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --A--B---      ';

      expectObservable(e1.pipe(encode()), unsub).toBe(expected, replies);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', outcomes);
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --A--B---      ';

      const result = e1.pipe(
        mergeMap((value: CalcOutcome) => of(value)),
        encode(),
        mergeMap((value: string) => of(value)),
      );

      expectObservable(result, unsub).toBe(expected, replies);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
