import { expect } from 'chai';
import { mergeMap, of, range } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { BulkheadRejectedError, ERR_RXNET_BULKHEAD_REJECTED, isTransientError } from '../../lib/errors.js';
import { bulkhead } from '../../lib/policies/bulkhead.js';
import { drive, expectInvalidOption, unsubscriptionSpecs } from './helpers.js';

describe('bulkhead', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should run up to limit requests at once, queue the next ones in order and refuse the rest', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const requests = cold('(abcd|)');
      const a = cold('       --x|');
      const b = cold('       ---y|');
      const c = cold('       --z|');
      const asubs = '        ^--!';
      const bsubs = '        ^---!';
      const csubs = '        ---^--!';
      const expected = '     R-xy-z|';
      const limited = bulkhead({ limit: 2, queue: 1 });
      expectObservable(drive(requests, { a, b, c, d: c }, limited)).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(asubs);
      expectSubscriptions(b.subscriptions).toBe(bsubs);
      expectSubscriptions(c.subscriptions).toBe([csubs]);
    });
  });

  it('should refuse with a coded BulkheadRejectedError naming the limit and the queue', () => {
    const limited = bulkhead({ limit: 1, queue: 2 });
    let caught: unknown;
    range(0, 4)
      .pipe(mergeMap(() => of('never').pipe(mergeMap(() => new Promise<never>(() => undefined)), limited)))
      .subscribe({ error: (err: unknown) => (caught = err) });
    expect(caught).to.be.an.instanceOf(BulkheadRejectedError);
    const err = caught as BulkheadRejectedError;
    expect(err.name).to.equal('BulkheadRejectedError');
    expect(err.code).to.equal(ERR_RXNET_BULKHEAD_REJECTED);
    expect(err.message).to.equal('Bulkhead is full: 1 request running and 2 queued');
    expect(err.info).to.deep.equal({ limit: 1, queue: 2 });
    expect(isTransientError(err)).to.equal(false);
  });

  it('should free the slot of a request that errors, and start the next one at once', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const requests = cold('(ab|)');
      const a = cold('       -#');
      const b = cold('       -y|');
      const bsubs = '        -^-!';
      const expected = '     -Fy|';
      expectObservable(drive(requests, { a, b }, bulkhead({ limit: 1, queue: 1 }))).toBe(expected);
      expectSubscriptions(b.subscriptions).toBe(bsubs);
    });
  });

  it('should have freed the slot when the outcome is seen', () => {
    const limited = bulkhead({ limit: 1 });
    const seen: number[] = [];
    of(1).pipe(limited).subscribe({ complete: () => seen.push(limited.running) });
    of(1)
      .pipe(mergeMap(() => Promise.reject(new Error('down'))), limited)
      .subscribe({ error: () => seen.push(limited.running) });
    return Promise.resolve().then(() => expect(seen).to.deep.equal([0, 0]));
  });

  it('should take a waiting request out of the queue when it is unsubscribed', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('  ---x|');
      const waiting = cold('-y|');
      const third = cold('  -z|');
      const limited = bulkhead({ limit: 1, queue: 1 });
      expectObservable(first.pipe(limited)).toBe('---x|');
      // The waiting one gives up at 2, which makes room in the queue for the third (subscribed at 2).
      expectObservable(waiting.pipe(limited), '^-!').toBe('--');
      testScheduler.schedule(() => {
        expect(limited.queued, 'after the waiting one left').to.equal(0);
        third.pipe(limited).subscribe();
        expect(limited.queued, 'the third waits').to.equal(1);
      }, 2);
      expectSubscriptions(waiting.subscriptions).toBe([]);
      expectSubscriptions(third.subscriptions).toBe('----^-!');
    });
  });

  it('should count running and queued requests, back to zero when all are done', async () => {
    const limited = bulkhead({ limit: 2, queue: 2 });
    const pending: Array<() => void> = [];
    for (let i = 0; i < 3; i += 1) {
      of(i)
        .pipe(mergeMap(() => new Promise<void>((resolve) => pending.push(resolve))), limited)
        .subscribe();
    }
    expect([limited.running, limited.queued]).to.deep.equal([2, 1]);
    for (let round = 0; round < 2; round += 1) {
      pending.splice(0).forEach((resolve) => resolve());
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect([limited.running, limited.queued]).to.deep.equal([0, 0]);
  });

  it('should start 10,000 queued requests that end at once in a loop, not a recursion', async () => {
    const limited = bulkhead({ limit: 1, queue: 10_000 });
    let open: (() => void) | undefined;
    of(0)
      .pipe(mergeMap(() => new Promise<void>((resolve) => (open = resolve))), limited)
      .subscribe();
    let done = 0;
    for (let i = 0; i < 10_000; i += 1) of(i).pipe(limited).subscribe({ complete: () => (done += 1) });
    expect(limited.queued).to.equal(10_000);
    open?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).to.equal(10_000);
    expect([limited.running, limited.queued]).to.deep.equal([0, 0]);
  });

  it('should free the slot of a request that is unsubscribed, and start the next one', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('  -');
      const second = cold(' -y|');
      const limited = bulkhead({ limit: 1, queue: 1 });
      expectObservable(first.pipe(limited), '^--!').toBe('---');
      expectObservable(second.pipe(limited)).toBe('----y|');
      expectSubscriptions(second.subscriptions).toBe('---^-!');
      testScheduler.schedule(() => expect([limited.running, limited.queued]).to.deep.equal([0, 0]), 6);
    });
  });

  unsubscriptionSpecs(() => bulkhead({ limit: 1 }));

  it('should reject a limit of 0 and a negative queue at once', () => {
    expectInvalidOption(() => bulkhead({ limit: 0 }), 'Invalid limit "0" (expected an integer of at least 1)');
    expectInvalidOption(() => bulkhead({ limit: 1, queue: -1 }), 'Invalid queue "-1" (expected an integer of at least 0)');
  });
});
