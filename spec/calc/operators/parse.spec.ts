import { expect } from 'chai';
import { from, mergeMap, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { overlong, type Frame } from '../../../lib/framing/Frame.js';
import { parse } from '../../../lib/calc/operators/parse.js';
import { parseRequest } from '../../../lib/calc/protocol/parseRequest.js';
import type { ParsedRequest } from '../../../lib/calc/protocol/types.js';

/** Collects what a synchronous observable emits, and how it ends. */
function collect<T>(source: Observable<T>): { values: T[]; end: 'complete' | 'error' | 'open'; error?: unknown } {
  const result: { values: T[]; end: 'complete' | 'error' | 'open'; error?: unknown } = { values: [], end: 'open' };
  source.subscribe({
    next: (value) => result.values.push(value),
    error: (error: unknown) => Object.assign(result, { end: 'error', error }),
    complete: () => (result.end = 'complete'),
  });
  return result;
}

describe('parse', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const frames: Record<string, Frame> = { a: '+,1,1', b: 'oops', c: overlong(1024), d: ' ^ ,2,10 ', e: '' };
  const parsed: Record<string, ParsedRequest> = {
    A: { ok: true, request: { op: '+', a: 1, b: 1 } },
    B: parseRequest('oops'),
    C: { ok: false, reason: 'request longer than 1024 bytes' },
    D: { ok: true, request: { op: '^', a: 2, b: 10 } },
    E: parseRequest(''),
  };

  it('parses each frame into a request or a failure value', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -a--b--c--d--e--|', frames);
      const e1subs = '   ^---------------!';
      const expected = ' -A--B--C--D--E--|';

      expectObservable(e1.pipe(parse())).toBe(expected, parsed);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('turns an overlong frame into a failure that names the limit', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --x--|', { x: overlong(8) });
      const e1subs = '   ^----!';
      const expected = ' --X--|';

      expectObservable(e1.pipe(parse())).toBe(expected, { X: { ok: false, reason: 'request longer than 8 bytes' } });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('keeps the stream open after invalid requests', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --b--c--b--a--|', frames);
      const e1subs = '   ^-------------!';
      const expected = ' --B--C--B--A--|';

      expectObservable(e1.pipe(parse())).toBe(expected, parsed);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('passes an error from the source through', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--#', frames, new Error('socket reset'));
      const e1subs = '   ^----!';
      const expected = ' --A--#';

      expectObservable(e1.pipe(parse())).toBe(expected, parsed, new Error('socket reset'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('completes with an empty source and stays silent with a silent one', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold('|');
      const never = cold('-');
      expectObservable(empty.pipe(parse())).toBe('|');
      expectObservable(never.pipe(parse())).toBe('-');
      expectSubscriptions(empty.subscriptions).toBe('(^!)');
      expectSubscriptions(never.subscriptions).toBe('^');
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', frames);
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --A--B---      ';

      expectObservable(e1.pipe(parse()), unsub).toBe(expected, parsed);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', frames);
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --A--B---      ';

      const result = e1.pipe(
        mergeMap((frame: Frame) => of(frame)),
        parse(),
        mergeMap((value: ParsedRequest) => of(value)),
      );

      expectObservable(result, unsub).toBe(expected, parsed);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('never errors the stream, whatever the frames', () => {
    const inputs: ReadonlyArray<readonly [Frame, boolean]> = [
      ['', false],
      [' ', false],
      [',,', false],
      ['\u0000\u0001\u0002', false],
      ['\ud800', false],
      ['+,1,2\r', false],
      ['+,1e999,1', false],
      ['toString,1,2', false],
      ['__proto__,1,2', false],
      [`+,1,${'9'.repeat(100_000)}`, false],
      [','.repeat(10_000), false],
      [Buffer.from([0xff, 0xfe, 0xc3, 0x28]).toString('utf8'), false],
      [overlong(1024), false],
      [overlong(0), false],
      ['/,1,0', true], // valid syntax: the division by zero is for evaluate()
      ['+,1,1', true],
    ];
    const result = collect(from(inputs.map(([frame]) => frame)).pipe(parse()));
    expect(result.end).to.equal('complete');
    expect(result.values.map((value) => value.ok)).to.deep.equal(inputs.map(([, ok]) => ok));
    for (const value of result.values) if (!value.ok) expect(value.reason).to.match(/^[^\r\n]+$/);
  });
});
