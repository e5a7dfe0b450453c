import { expect } from 'chai';
import sinon from 'sinon';
import { RxnetInvalidOptionError, ERR_RXNET_INVALID_OPTION } from '../../lib/errors.js';

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
