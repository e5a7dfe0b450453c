import { expect } from 'chai';
import { from, mergeMap, of, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { overlong, type Frame } from '../../lib/framing/Frame.js';
import { splitLines } from '../../lib/operators/splitLines.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Marble values: each text as a chunk of bytes. */
const chunks = (texts: Record<string, string>): Record<string, Uint8Array> =>
  Object.fromEntries(Object.entries(texts).map(([key, text]) => [key, bytes(text)]));

describe('splitLines', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('emits each line of a chunk, in order, without its terminator', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a-------|', chunks({ a: '+,1,1\n*,2,3\r\n\n' }));
      const e1subs = '   ^---------!';
      const expected = ' --(xyz)---|';

      expectObservable(e1.pipe(splitLines())).toBe(expected, { x: '+,1,1', y: '*,2,3', z: '' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
  it('joins a line split across chunks', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--|', chunks({ a: '+,1,1\n*,', b: '2', c: ',3\n' }));
      const e1subs = '   ^----------!';
      const expected = ' --x-----y--|';

      expectObservable(e1.pipe(splitLines())).toBe(expected, { x: '+,1,1', y: '*,2,3' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('joins a line whose terminator arrives in a chunk of its own', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--|', chunks({ a: '+,1', b: ',1', c: '\n' }));
      const e1subs = '   ^----------!';
      const expected = ' --------x--|';

      expectObservable(e1.pipe(splitLines())).toBe(expected, { x: '+,1,1' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('decodes a multi-byte character split across chunks', () => {
    const euro = bytes('€\n');
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--|', { a: euro.subarray(0, 1), b: euro.subarray(1, 3), c: euro.subarray(3) });
      const e1subs = '   ^----------!';
      const expected = ' --------x--|';

      expectObservable(e1.pipe(splitLines())).toBe(expected, { x: '€' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('flushes an unterminated last line when the source completes', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--|', chunks({ a: '+,1,1\n+,2,2' }));
      const e1subs = '   ^----!';
      const expected = ' --x--(y|)';

      expectObservable(e1.pipe(splitLines())).toBe(expected, { x: '+,1,1', y: '+,2,2' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('emits nothing more on completion when the last line was terminated', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--|', chunks({ a: '+,1,1\n' }));
      const e1subs = '   ^----!';
      const expected = ' --x--|';

      expectObservable(e1.pipe(splitLines())).toBe(expected, { x: '+,1,1' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('emits one overlong frame as soon as a line passes maxLineLength, then goes on with the next line', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--d--|', chunks({ a: '123456789', b: '0abc', c: 'def', d: '\nok\n' }));
      const e1subs = '   ^-------------!';
      const expected = ' -----X-----y--|';

      expectObservable(e1.pipe(splitLines({ maxLineLength: 8 }))).toBe(expected, { X: overlong(8), y: 'ok' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('uses a limit of 4096 bytes by default', () => {
    const line = 'x'.repeat(4096);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--|', chunks({ a: `${line}\n`, b: `${line}y\n` }));
      const e1subs = '   ^-------!';
      const expected = ' --x--X--|';

      expectObservable(e1.pipe(splitLines())).toBe(expected, { x: line, X: overlong(4096) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('emits 1,000 pipelined requests from one chunk, in order', () => {
    const requests = Array.from({ length: 1000 }, (_, i) => `*,${i},2`);
    let frames: Frame[] = [];
    from([bytes(requests.map((r) => `${r}\n`).join(''))])
      .pipe(splitLines(), toArray())
      .subscribe((values) => (frames = values));
    expect(frames).to.deep.equal(requests);
  });

  it('passes an error from the source through, discarding an unterminated partial line', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--#', chunks({ a: '+,1,1\n+,2' }), new Error('ECONNRESET'));
      const e1subs = '   ^----!';
      const expected = ' --x--#';

      expectObservable(e1.pipe(splitLines())).toBe(expected, { x: '+,1,1' }, new Error('ECONNRESET'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('gives each subscription a decoder of its own', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b------|', chunks({ a: '+,1', b: '\n-,2,1\n' }));
      const e1subs = [' ^-----------!', ' ^-----------!'];
      const expected = ' -----(xy)---|';

      const lines = e1.pipe(splitLines());
      expectObservable(lines).toBe(expected, { x: '+,1', y: '-,2,1' });
      expectObservable(lines).toBe(expected, { x: '+,1', y: '-,2,1' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', chunks({ a: '+,1,1\n', b: '-,1,1\n', c: '*,1,1\n', d: '/,1,1\n' }));
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --w--x---      ';

      expectObservable(e1.pipe(splitLines()), unsub).toBe(expected, { w: '+,1,1', x: '-,1,1' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', chunks({ a: '+,1,1\n', b: '-,1,1\n', c: '*,1,1\n', d: '/,1,1\n' }));
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --w--x---      ';

      const result = e1.pipe(
        mergeMap((chunk: Uint8Array) => of(chunk)),
        splitLines(),
        mergeMap((frame: Frame) => of(frame)),
      );

      expectObservable(result, unsub).toBe(expected, { w: '+,1,1', x: '-,1,1' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
