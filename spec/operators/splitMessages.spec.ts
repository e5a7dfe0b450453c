import { expect } from 'chai';
import { mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { overlong, type Frame } from '../../lib/framing/Frame.js';
import { splitMessages } from '../../lib/operators/splitMessages.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Marble values: each text as a chunk of bytes. */
const chunks = (texts: Record<string, string>): Record<string, Uint8Array> =>
  Object.fromEntries(Object.entries(texts).map(([key, text]) => [key, bytes(text)]));

describe('splitMessages', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('emits each chunk as one message, removing one trailing \\n or \\r\\n', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -a--b--c--d--e--|', chunks({ a: '+,1,1', b: '+,1,1\n', c: '+,1,1\r\n', d: '', e: '+,1,1\n\n' }));
      const e1subs = '   ^---------------!';
      const expected = ' -x--x--x--y--z--|';

      expectObservable(e1.pipe(splitMessages())).toBe(expected, { x: '+,1,1', y: '', z: '+,1,1\n' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('keeps newlines inside a chunk: one chunk is one message', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--|', chunks({ a: '+,1,1\n+,2,2\n' }));
      const e1subs = '   ^----!';
      const expected = ' --x--|';

      expectObservable(e1.pipe(splitMessages())).toBe(expected, { x: '+,1,1\n+,2,2' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('emits an overlong frame for a chunk over maxLength bytes, and goes on', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--|', chunks({ a: '12345678\r\n', b: '123456789', c: 'ok' }));
      const e1subs = '   ^----------!';
      const expected = ' --x--X--y--|';

      expectObservable(e1.pipe(splitMessages({ maxLength: 8 }))).toBe(expected, { x: '12345678', X: overlong(8), y: 'ok' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('uses a limit of 4096 bytes by default', () => {
    const line = 'x'.repeat(4096);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--|', chunks({ a: `${line}\n`, b: `${line}y` }));
      const e1subs = '   ^-------!';
      const expected = ' --x--X--|';

      expectObservable(e1.pipe(splitMessages())).toBe(expected, { x: line, X: overlong(4096) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('passes an error from the source through', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--#', chunks({ a: '+,1,1' }), new Error('EPIPE'));
      const e1subs = '   ^----!';
      const expected = ' --x--#';

      expectObservable(e1.pipe(splitMessages())).toBe(expected, { x: '+,1,1' }, new Error('EPIPE'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', chunks({ a: '+,1,1', b: '-,1,1', c: '*,1,1', d: '/,1,1' }));
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --w--x---      ';

      expectObservable(e1.pipe(splitMessages()), unsub).toBe(expected, { w: '+,1,1', x: '-,1,1' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', chunks({ a: '+,1,1', b: '-,1,1', c: '*,1,1', d: '/,1,1' }));
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --w--x---      ';

      const result = e1.pipe(
        mergeMap((chunk: Uint8Array) => of(chunk)),
        splitMessages(),
        mergeMap((frame: Frame) => of(frame)),
      );

      expectObservable(result, unsub).toBe(expected, { w: '+,1,1', x: '-,1,1' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
