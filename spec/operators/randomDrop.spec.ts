import { expect } from 'chai';
import { mergeMap, of, range, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import sinon from 'sinon';
import { ERR_RXNET_INVALID_OPTION, RxnetInvalidOptionError } from '../../lib/errors.js';
import { randomDrop } from '../../lib/operators/randomDrop.js';

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

/** Runs the numbers 0 to count - 1 through randomDrop(success, random); returns those that passed. */
function passed(count: number, success: number, random?: () => number): number[] {
  let out: number[] = [];
  range(0, count)
    .pipe(randomDrop<number>(success, random), toArray())
    .subscribe((values) => (out = values));
  return out;
}

describe('randomDrop', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('passes a value whose roll is below success and drops the others', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--d--|');
      const e1subs = '   ^-------------!';
      const expected = ' --a-----c-----|';

      const random = rolls(0.1, 0.9, 0.3, 0.7);
      expectObservable(e1.pipe(randomDrop(0.5, random))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('drops a value whose roll equals success (a roll must be strictly below)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--|');
      const e1subs = '   ^-------!';
      const expected = ' -----b--|';

      expectObservable(e1.pipe(randomDrop(0.5, rolls(0.5, 0.49999)))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('rolls once per value, in order, and not before the first value', () => {
    const random = rolls(0.9, 0.1, 0.9);
    const operator = randomDrop<string>(0.5, random);
    expect(random.callCount, 'when created').to.equal(0);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  ---a--b--c--|');
      const e1subs = '   ^-----------!';
      const expected = ' ------b-----|';

      expectObservable(e1.pipe(operator)).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(random.callCount).to.equal(3);
  });

  it('randomDrop(1) passes every value, even the highest roll', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--|');
      const e1subs = '   ^----------!';
      const expected = ' --a--b--c--|';

      expectObservable(e1.pipe(randomDrop(1, rolls(0.9999999999, 0, 0.5)))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('randomDrop(0) drops every value, even the lowest roll', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--|');
      const e1subs = '   ^----------!';
      const expected = ' -----------|';

      expectObservable(e1.pipe(randomDrop(0, rolls(0, 0, 0)))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('uses Math.random by default: 1 passes all of 1,000 values, 0 none', () => {
    expect(passed(1000, 1)).to.have.length(1000);
    expect(passed(1000, 0)).to.deep.equal([]);
  });

  it('passes an error from the source through', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--#', undefined, new Error('upstream'));
      const e1subs = '   ^-------!';
      const expected = ' --a-----#';

      expectObservable(e1.pipe(randomDrop(0.5, rolls(0.1, 0.9)))).toBe(expected, undefined, new Error('upstream'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('completes with an empty source without rolling', () => {
    const random = rolls();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  |');
      const e1subs = '   (^!)';
      const expected = ' |';

      expectObservable(e1.pipe(randomDrop(0.5, random))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(random.callCount).to.equal(0);
  });

  it('should allow unsubscribing explicitly and early', () => {
    const random = rolls(0.1, 0.9, 0.1);
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|');
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --a------      ';

      expectObservable(e1.pipe(randomDrop(0.5, random)), unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(random.callCount).to.equal(2);
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|');
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --a------      ';

      const result = e1.pipe(
        mergeMap((x: string) => of(x)),
        randomDrop(0.5, rolls(0.1, 0.9)),
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
      [-Infinity, '-Infinity'],
      ['0.5' as unknown as number, '0.5'], // a string from untyped callers
    ];
    for (const [success, text] of cases) {
      it(`throws RxnetInvalidOptionError for ${text === '0.5' ? 'the string "0.5"' : text} when created`, () => {
        const err = thrownBy(() => randomDrop(success));
        expect(err).to.be.instanceOf(RxnetInvalidOptionError);
        if (!(err instanceof RxnetInvalidOptionError)) return;
        expect(err.code).to.equal(ERR_RXNET_INVALID_OPTION);
        expect(err.code).to.equal('ERR_RXNET_INVALID_OPTION');
        expect(err.message).to.equal(`Invalid success "${text}" (expected a number from 0 to 1)`);
        expect(err.info).to.deep.equal({ option: 'success', value: text, expected: 'a number from 0 to 1' });
      });
    }

    it('accepts the bounds 0 and 1', () => {
      expect(() => randomDrop(0)).not.to.throw();
      expect(() => randomDrop(1)).not.to.throw();
    });
  });
});
