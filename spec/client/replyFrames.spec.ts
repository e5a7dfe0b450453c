import { expect } from 'chai';
import { mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { RxnetProtocolError } from '../../lib/errors.js';
import { overlong, type Frame } from '../../lib/framing/Frame.js';
import { replyFrames, type ReplyFramesOptions } from '../../lib/client/replyFrames.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Seed-server options: chunk framing, a 3 ms gap and permission to take unterminated bytes, unless overridden. */
const framing = (overrides: Partial<ReplyFramesOptions> = {}): ReplyFramesOptions => ({
  maxLength: 1024,
  framing: 'chunk',
  gapMs: 3,
  mayTakeUnterminated: () => true,
  ...overrides,
});

/** The default: line framing (the same 3 ms gap given, to show it is not used), no stall timeout unless overridden. */
const lineFraming = (overrides: Partial<ReplyFramesOptions> = {}): ReplyFramesOptions => framing({ framing: 'line', ...overrides });

describe('replyFrames', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('emits a newline-terminated reply at once', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-|', { a: bytes('200,2\n'), b: bytes('300,-1\r\n') });
      const subs = '       ^----!';
      const expected = '   -A-B-|';
      expectObservable(source.pipe(replyFrames(framing()))).toBe(expected, { A: ['200,2'], B: ['300,-1'] });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('emits the replies of one chunk together, in order', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-|', { a: bytes('200,1\n200,2\n200,3\n') });
      expectObservable(source.pipe(replyFrames(framing()))).toBe('-A-|', { A: ['200,1', '200,2', '200,3'] });
    });
  });

  // Regression: LineDecoder once dropped the last piece of a line spanning chunks ('200,4' + '2\n' -> '200,4').
  it('joins a line split across chunks, however long the pause', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-b-------------c-|', { a: bytes('200,1\n200,'), b: bytes('4'), c: bytes('2\n') });
      expectObservable(source.pipe(replyFrames(framing()))).toBe('-A---------------C-|', { A: ['200,1'], C: ['200,42'] });
    });
  });

  describe('line framing (the default)', () => {
    it('issue 11: joins a first reply split as "200,4" then "2\\n" after a pause longer than the gap, never taking "200,4"', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a---------b-|', { a: bytes('200,4'), b: bytes('2\n') });
        const subs = '       ^------------!';
        const expected = '   -----------B-|';
        expectObservable(source.pipe(replyFrames(lineFraming()))).toBe(expected, { B: ['200,42'] });
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });

    it('is the framing when none is given', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { framing: _omitted, ...noFraming } = framing();
        const source = cold('-a---------b-|', { a: bytes('200,4'), b: bytes('2\n') });
        expectObservable(source.pipe(replyFrames(noFraming))).toBe('-----------B-|', { B: ['200,42'] });
      });
    });

    it('never takes unterminated bytes as a reply, however long they wait', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-------------------', { a: bytes('200,2') });
        expectObservable(source.pipe(replyFrames(lineFraming()))).toBe('---------------------');
      });
    });

    it('errors with an RxnetProtocolError when unterminated bytes stay quiet for stallMs before any newline', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-b-------', { a: bytes('200,'), b: bytes('42') });
        const subs = '       ^--------!';
        const expected = '   ---------#';
        const stalled = new RxnetProtocolError('No newline after 6 ms of quiet, only "200,42"', { received: '200,42' });
        expectObservable(source.pipe(replyFrames(lineFraming({ stallMs: 6 })))).toBe(expected, undefined, stalled);
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });

    it('gives the stall error a code and the bytes received', () => {
      testScheduler.run(({ cold, flush }) => {
        let caught: unknown;
        cold('-a--', { a: bytes('200,42') })
          .pipe(replyFrames(lineFraming({ stallMs: 2 })))
          .subscribe({ error: (err: unknown) => (caught = err) });
        flush();
        expect(caught).to.be.an.instanceOf(RxnetProtocolError);
        expect((caught as RxnetProtocolError).code).to.equal('ERR_RXNET_PROTOCOL');
        expect((caught as RxnetProtocolError).info).to.deep.equal({ received: '200,42' });
      });
    });

    it('does not stall when the newline comes before stallMs of quiet', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-----b-------', { a: bytes('200,4'), b: bytes('2\n') });
        expectObservable(source.pipe(replyFrames(lineFraming({ stallMs: 6 })))).toBe('-------B-------', { B: ['200,42'] });
      });
    });

    it('never stalls once a newline has been seen on the stream', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-b-----------c-|', { a: bytes('200,1\n'), b: bytes('200,'), c: bytes('7\n') });
        expectObservable(source.pipe(replyFrames(lineFraming({ stallMs: 3 })))).toBe('-A-------------C-|', { A: ['200,1'], C: ['200,7'] });
      });
    });

    it('never stalls when a stream sharing its termination has seen a newline', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const termination = { terminated: false };
        const sibling = cold('-a-|', { a: bytes('200,1\n') });
        const source = cold(' --b---------', { b: bytes('200,') });
        expectObservable(sibling.pipe(replyFrames(lineFraming({ termination, stallMs: 3 })))).toBe('-A-|', { A: ['200,1'] });
        expectObservable(source.pipe(replyFrames(lineFraming({ termination, stallMs: 3 })))).toBe('------------');
      });
    });
  });

  describe('chunk framing (the original seed server)', () => {
    it('takes unterminated bytes as one reply once no byte has come for the gap (the seed server)', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a------', { a: bytes('200,2') });
        expectObservable(source.pipe(replyFrames(framing()))).toBe('----A---', { A: ['200,2'] });
      });
    });

    it('takes a reply split across two writes with a pause shorter than the gap as one reply', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-b--------', { a: bytes('200,'), b: bytes('42') });
        expectObservable(source.pipe(replyFrames(framing()))).toBe('------A-----', { A: ['200,42'] });
      });
    });

    it('takes successive unterminated replies, each after its own gap', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a------b-------', { a: bytes('200,2'), b: bytes('300,-1') });
        expectObservable(source.pipe(replyFrames(framing()))).toBe('----A------B----', { A: ['200,2'], B: ['300,-1'] });
      });
    });

    it('does not take unterminated bytes while mayTakeUnterminated() says no', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a---------', { a: bytes('200,2') });
        expectObservable(source.pipe(replyFrames(framing({ mayTakeUnterminated: () => false })))).toBe('-----------');
      });
    });

    it('never takes unterminated bytes when a stream sharing its termination has seen a newline', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const termination = { terminated: false };
        const sibling = cold('-a-|', { a: bytes('200,1\n') });
        const source = cold(' -b---------', { b: bytes('200,') });
        expectObservable(sibling.pipe(replyFrames(framing({ termination })))).toBe('-A-|', { A: ['200,1'] });
        expectObservable(source.pipe(replyFrames(framing({ termination })))).toBe('-----------');
      });
    });

    it('takes a first reply split by a pause longer than the gap in part: chunk framing trusts the server to answer in one write', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a---------b-|', { a: bytes('200,4'), b: bytes('2\n') });
        expectObservable(source.pipe(replyFrames(framing()))).toBe('----A------B-|', { A: ['200,4'], B: ['2'] });
      });
    });

    it('never takes unterminated bytes once a reply with a newline has come: a line server for good', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-b---------c-|', { a: bytes('200,1\n'), b: bytes('200,4'), c: bytes('2\n') });
        expectObservable(source.pipe(replyFrames(framing()))).toBe('-A-----------C-|', { A: ['200,1'], C: ['200,42'] });
      });
    });

    it('ignores stallMs', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a---------', { a: bytes('200,2') });
        expectObservable(source.pipe(replyFrames(framing({ stallMs: 1, mayTakeUnterminated: () => false })))).toBe('-----------');
      });
    });

    it('takes nothing without a newline when gapMs is 0', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a---------', { a: bytes('200,2') });
        expectObservable(source.pipe(replyFrames(framing({ gapMs: 0 })))).toBe('-----------');
      });
    });
  });

  // Outside run(): only the scheduler passed in can time the wait (10 virtual ms a frame).
  for (const [framingName, options, outcome] of [
    ['line', { framing: 'line', stallMs: 30 }, 'error'],
    ['chunk', { framing: 'chunk', gapMs: 30 }, '200,2'],
  ] as const) {
    it(`times the ${framingName === 'line' ? 'stall' : 'gap'} of ${framingName} framing on the scheduler it is given`, () => {
      const scheduler = new TestScheduler(() => {});
      const seen: Array<[number, string]> = [];
      scheduler
        .createColdObservable('-a', { a: bytes('200,2') })
        .pipe(replyFrames(framing({ ...options, scheduler })))
        .subscribe({ next: (frames) => seen.push([scheduler.now(), String(frames[0])]), error: () => seen.push([scheduler.now(), 'error']) });
      scheduler.flush();
      expect(seen).to.deep.equal([[40, outcome]]);
    });
  }

  it('discards unterminated bytes when the stream ends before the gap', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a|', { a: bytes('200,2') });
      expectObservable(source.pipe(replyFrames(framing()))).toBe('--|');
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('emits an overlong frame for a reply longer than maxLength', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-b-|', { a: bytes(`${'9'.repeat(1100)}\n`), b: bytes('200,2\n') });
      const frames: Record<string, readonly Frame[]> = { A: [overlong(1024)], B: ['200,2'] };
      expectObservable(source.pipe(replyFrames(framing()))).toBe('-A-B-|', frames);
    });
  });

  it('passes an error through', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-#', { a: bytes('200,2\n') }, new Error('ECONNRESET'));
      expectObservable(source.pipe(replyFrames(framing()))).toBe('-A-#', { A: ['200,2'] }, new Error('ECONNRESET'));
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b--------', { a: bytes('200,1\n'), b: bytes('200,2') });
      const subs = '       ^----!      ';
      const unsub = '      -----!      ';
      const expected = '   -A----------';
      expectObservable(source.pipe(replyFrames(framing())), unsub).toBe(expected, { A: ['200,1'] });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b--------', { a: bytes('200,'), b: bytes('2') });
      const subs = '       ^----!      ';
      const unsub = '      -----!      ';
      const result = source.pipe(
        mergeMap((chunk) => of(chunk)),
        replyFrames(framing()),
        mergeMap((frames) => of(frames)),
      );
      expectObservable(result, unsub).toBe('------------');
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });
});
