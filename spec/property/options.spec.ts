import { expect } from 'chai';
import fc from 'fast-check';
import { asyncScheduler } from 'rxjs';
import { RxnetInvalidOptionError } from '../../lib/errors.js';
import { jitteredWait, RETRY_DEFAULTS, resolveRetryPolicy, scheduledWait, type RetryPolicy } from '../../lib/operators/retryPolicy.js';
import { resolveServerOptions } from '../../lib/calc/server/serverOptions.js';
import { check } from './fastCheck.js';

/** Values of every kind but functions (and but RxJS schedulers). */
const notAFunction = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 8 }),
    fc.boolean(),
    fc.constantFrom(null, [], {}, { schedule: 1 }, { now: () => 0 }, new Date(0), /x/),
    fc.dictionary(fc.constantFrom('a', 'b', 'schedule'), fc.integer(), { maxKeys: 2 }),
  );

/** What the error message shows of a value: String(value), or its tag when String() throws. */
function shown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Calls `resolve` and returns the RxnetInvalidOptionError it throws (fails if it throws anything else or nothing). */
function rejection(resolve: () => unknown): RxnetInvalidOptionError {
  try {
    resolve();
  } catch (err) {
    expect(err).to.be.instanceOf(RxnetInvalidOptionError);
    return err as RxnetInvalidOptionError;
  }
  expect.fail('no error thrown');
}

describe('property: option validation', () => {
  describe('resolveRetryPolicy', () => {
    const functionOptions: ReadonlyArray<readonly [keyof RetryPolicy, string]> = [
      ['shouldRetry', 'a function (err) => boolean'],
      ['random', 'a function returning numbers in [0, 1)'],
      ['scheduler', 'an RxJS scheduler'],
    ];
    for (const [option, expected] of functionOptions) {
      it(`rejects any ${option} that is not ${expected}, naming it, its value and what is allowed`, () => {
        check(
          fc.property(notAFunction(), (value) => {
            fc.pre(!(option === 'scheduler' && value === undefined));
            const err = rejection(() => resolveRetryPolicy({ [option]: value }));
            expect(err.code).to.equal('ERR_RXNET_INVALID_OPTION');
            expect(err.info).to.deep.equal({ option, value: shown(value), expected });
            expect(err.message).to.equal(`Invalid ${option} "${shown(value)}" (expected ${expected})`);
          }),
          100,
        );
      });
    }

    it('rejects a retry that is not a boolean with "true or false"', () => {
      check(
        fc.property(notAFunction(), (value) => {
          fc.pre(typeof value !== 'boolean');
          expect(rejection(() => resolveRetryPolicy({ retry: value as boolean })).message).to.equal(`Invalid retry "${shown(value)}" (expected true or false)`);
        }),
        100,
      );
    });

    it('accepts any function for shouldRetry and random, and any object with a schedule method as a scheduler', () => {
      const policy = resolveRetryPolicy({ shouldRetry: () => false, random: () => 0.5, scheduler: asyncScheduler });
      expect(policy.shouldRetry(new Error('x'))).to.equal(false);
      expect(policy.scheduler).to.equal(asyncScheduler);
      const fake = { schedule: () => ({}) as never, now: () => 0 };
      expect(resolveRetryPolicy({ scheduler: fake as never }).scheduler).to.equal(fake);
    });

    it('treats an option given as undefined as not given: the defaults (max follows a longer initial)', () => {
      const keys = ['initial', 'factor', 'max', 'jitter', 'retry', 'shouldRetry', 'random', 'scheduler'] as const;
      check(
        fc.property(fc.subarray([...keys]), fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }), (undefinedKeys, initial) => {
          const options: Partial<Record<(typeof keys)[number], unknown>> = Object.fromEntries(undefinedKeys.map((key) => [key, undefined]));
          if (initial !== undefined && !undefinedKeys.includes('initial')) options.initial = initial;
          const policy = resolveRetryPolicy(options as Partial<RetryPolicy>);
          const expectedInitial = options.initial === undefined ? RETRY_DEFAULTS.initial : initial ?? RETRY_DEFAULTS.initial;
          expect(policy.initial).to.equal(expectedInitial);
          expect(policy.max).to.equal(Math.max(RETRY_DEFAULTS.max, expectedInitial));
          expect(policy.factor).to.equal(RETRY_DEFAULTS.factor);
          expect(policy.retry).to.equal(true);
          expect(policy.random).to.equal(RETRY_DEFAULTS.random);
        }),
        100,
      );
    });
  });

  describe('jitteredWait', () => {
    const policyArb = fc.record({
      initial: fc.integer({ min: 1, max: 1000 }),
      factor: fc.double({ min: 1.1, max: 4, noNaN: true }),
      extra: fc.integer({ min: 0, max: 100_000 }),
      jitter: fc.double({ min: 0, max: 1, noNaN: true }),
      roll: fc.double({ min: 0, max: 0.999999, noNaN: true }),
    });

    it('is the exact schedule with jitter 0, without ever drawing a random number', () => {
      check(
        fc.property(policyArb, fc.integer({ min: 1, max: 12 }), ({ initial, factor, extra }, attempt) => {
          const random = (): number => expect.fail('random() was called with jitter 0');
          const policy = resolveRetryPolicy({ initial, factor, max: initial + extra, jitter: 0, random });
          expect(jitteredWait(attempt, policy)).to.equal(scheduledWait(attempt, policy));
        }),
        200,
      );
    });

    it('shortens each scheduled wait by at most the jitter fraction, and keeps the end of the schedule', () => {
      check(
        fc.property(policyArb, fc.integer({ min: 1, max: 12 }), ({ initial, factor, extra, jitter, roll }, attempt) => {
          fc.pre(jitter > 0);
          const policy = resolveRetryPolicy({ initial, factor, max: initial + extra, jitter, random: () => roll });
          const wait = scheduledWait(attempt, policy);
          const jittered = jitteredWait(attempt, policy);
          if (wait === undefined) expect(jittered).to.equal(undefined);
          else {
            expect(jittered).to.be.at.most(wait);
            expect(jittered).to.be.at.least(wait * (1 - jitter) - 1e-9);
            expect(jittered).to.be.closeTo(wait * (1 - jitter * roll), 1e-6 * wait);
          }
        }),
        300,
      );
    });
  });

  // Regression (fixed in 23d1b66): validateOptions described the value with String(value), which
  // throws for Object.create(null) or { toString: 1 }, so factories threw a bare TypeError.
  it('rejects an option value that cannot be turned into a string with RxnetInvalidOptionError', () => {
    for (const value of [Object.create(null) as unknown, { toString: 1 }]) {
      expect(() => resolveServerOptions({ port: value as number })).to.throw(RxnetInvalidOptionError);
      expect(() => resolveRetryPolicy({ random: value as () => number })).to.throw(RxnetInvalidOptionError);
    }
  });
});
