import { expect } from 'chai';
import { mergeMap, of, range, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import sinon from 'sinon';
import { ERR_RXNET_INVALID_OPTION, RxnetInvalidOptionError } from '../../lib/errors.js';
import { randomCut } from '../../lib/operators/randomCut.js';

/** A random source that returns `values` in order, and throws if asked for one more. */
function rolls(...values: number[]): sinon.SinonStub<[], number> {
  const random = sinon.stub<[], number>().throws(new Error('no roll left'));
  values.forEach((value, i) => random.onCall(i).returns(value));
  return random;
}

/** The error `fn` throws; fails the test if it throws nothing. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return expect.fail('expected a throw');
}

describe('randomCut', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('passes values until the first lost roll, then drops that value, completes and unsubscribes', () => {
    const random = rolls(0.1, 0.2, 0.9);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--d--|');
      const e1subs = '   ^-------!      ';
      const expected = ' --a--b--|      ';

      expectObservable(e1.pipe(randomCut(0.5, random))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(random.callCount, 'no roll after the cut').to.equal(3);
  });

  it('cuts at a roll equal to success (a roll must be strictly below)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--|');
      const e1subs = '   ^----!   ';
      const expected = ' --a--|   ';

      expectObservable(e1.pipe(randomCut(0.5, rolls(0.49999, 0.5)))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('randomCut(1) passes every value, even the highest roll, and completes with the source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--|');
      const e1subs = '   ^----------!';
      const expected = ' --a--b--c--|';

      expectObservable(e1.pipe(randomCut(1, rolls(0.9999999999, 0, 0.5)))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('randomCut(0) completes at the first value, even on the lowest roll', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--|');
      const e1subs = '   ^-!         ';
      const expected = ' --|         ';

      expectObservable(e1.pipe(randomCut(0, rolls(0)))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('uses Math.random by default: 1 passes all of 1,000 values, 0 none', () => {
    const run = (success: number): number[] => {
      let out: number[] = [];
      range(0, 1000)
        .pipe(randomCut<number>(success), toArray())
        .subscribe((values) => (out = values));
      return out;
    };
    expect(run(1)).to.have.length(1000);
    expect(run(0)).to.deep.equal([]);
  });

  it('passes an error from the source through before the cut', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--#', undefined, new Error('upstream'));
      const e1subs = '   ^-------!';
      const expected = ' --a--b--#';

      expectObservable(e1.pipe(randomCut(0.5, rolls(0.1, 0.2)))).toBe(expected, undefined, new Error('upstream'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('ignores a source error after the cut', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--#');
      const e1subs = '   ^----!   ';
      const expected = ' --a--|   ';

      expectObservable(e1.pipe(randomCut(0.5, rolls(0.1, 0.9)))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('completes with an empty source without rolling', () => {
    const random = rolls();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  |');
      const e1subs = '   (^!)';
      const expected = ' |';

      expectObservable(e1.pipe(randomCut(0.5, random))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(random.callCount).to.equal(0);
  });

  it('should allow unsubscribing explicitly and early', () => {
    const random = rolls(0.1, 0.2);
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|');
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --a--b---      ';

      expectObservable(e1.pipe(randomCut(0.5, random)), unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(random.callCount).to.equal(2);
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|');
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --a--b---      ';

      const result = e1.pipe(
        mergeMap((x: string) => of(x)),
        randomCut(0.5, rolls(0.1, 0.2)),
        mergeMap((x: string) => of(x)),
      );

      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  describe('invalid success', () => {
    const cases: ReadonlyArray<readonly [number, string]> = [
      [-0.1, '-0.1'],
      [1.1, '1.1'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
    ];
    for (const [success, text] of cases) {
      it(`throws RxnetInvalidOptionError for ${text} when created`, () => {
        const err = thrownBy(() => randomCut(success));
        expect(err).to.be.instanceOf(RxnetInvalidOptionError);
        if (!(err instanceof RxnetInvalidOptionError)) return;
        expect(err.code).to.equal(ERR_RXNET_INVALID_OPTION);
        expect(err.message).to.equal(`Invalid success "${text}" (expected a number from 0 to 1)`);
        expect(err.info).to.deep.equal({ option: 'success', value: text, expected: 'a number from 0 to 1' });
      });
    }

    it('accepts the bounds 0 and 1', () => {
      expect(() => randomCut(0)).not.to.throw();
      expect(() => randomCut(1)).not.to.throw();
    });
  });
});
