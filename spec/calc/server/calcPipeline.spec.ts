import { expect } from 'chai';
import { from, of, toArray, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import sinon from 'sinon';
import { RxnetInvalidOptionError } from '../../../lib/errors.js';
import { overlong, type Frame } from '../../../lib/framing/Frame.js';
import { splitLines } from '../../../lib/operators/splitLines.js';
import { splitMessages } from '../../../lib/operators/splitMessages.js';
import { calcPipeline } from '../../../lib/calc/server/calcPipeline.js';
import { isStreamTransport, STREAM_TRANSPORTS, TRANSPORTS } from '../../../lib/transport/Transport.js';

/** A random source that returns `values` in order, and throws if asked for one more. */
function rolls(...values: number[]): sinon.SinonStub<[], number> {
  const random = sinon.stub<[], number>().throws(new Error('no roll left'));
  values.forEach((value, i) => random.onCall(i).returns(value));
  return random;
}

/** Everything a synchronous observable emits before it completes. */
function emitted<T>(source: Observable<T>): T[] {
  let out: T[] | undefined;
  source.pipe(toArray()).subscribe({ next: (values) => (out = values) });
  if (out === undefined) throw new Error('the observable did not complete synchronously');
  return out;
}

describe('calcPipeline', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const frames: Record<string, Frame> = { a: '+,1,1', b: '/,1,0', c: 'oops', d: overlong(1024), e: '^,2,10', f: '' };
  const replies: Record<string, string> = { A: '200,2', B: '300,-1', C: '300,-1', D: '300,-1', E: '200,1024', F: '300,-1' };

  it('answers every frame, in order, when no option is given', () => {
    expect(emitted(from(Object.values(frames)).pipe(calcPipeline()))).to.deep.equal(Object.values(replies));
  });

  it('answers every frame with success 1 on every transport', () => {
    for (const transport of TRANSPORTS) {
      const random = rolls(0.99, 0.99, 0.99, 0.99, 0.99, 0.99);
      const out = emitted(from(Object.values(frames)).pipe(calcPipeline({ success: 1, transport, random })));
      expect(out, transport).to.deep.equal(Object.values(replies));
    }
  });

  it('on udp, drops each reply whose roll is lost and answers the rest', () => {
    const random = rolls(0.1, 0.9, 0.2, 0.8, 0.3, 0.4);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -a--b--c--d--e--f--|', frames);
      const e1subs = '   ^------------------!';
      const expected = ' -A-----C-----E--F--|';

      expectObservable(e1.pipe(calcPipeline({ transport: 'udp', success: 0.5, random }))).toBe(expected, replies);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(random.callCount, 'one roll per reply, error replies included').to.equal(6);
  });

  it('defaults to the stream rule: a lost roll ends the stream after the replies before it', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -a--b--e--|', frames);
      const e1subs = '   ^---!      ';
      const expected = ' -A--|      ';

      expectObservable(e1.pipe(calcPipeline({ success: 0.5, random: rolls(0.1, 0.9) }))).toBe(expected, replies);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('with the default rule, loses only the one reply of a datagram when run once per datagram, as serveUdp runs it', () => {
    const pipeline = calcPipeline({ success: 0.5, random: rolls(0.1, 0.9, 0.1, 0.1) });
    const perDatagram = ['+,1,1', '*,6,7', '-,1,3', '^,2,10'].map((frame) => emitted(of(frame).pipe(pipeline)));
    expect(perDatagram).to.deep.equal([['200,2'], [], ['200,-2'], ['200,1024']]);
  });

  for (const transport of STREAM_TRANSPORTS) {
    it(`issue 10: on ${transport}, a stream, answers in order until the first lost roll, then ends the stream and unsubscribes`, () => {
      const random = rolls(0.1, 0.2, 0.9);
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const e1 = cold('  -a--b--c--d--e--|', frames);
        const e1subs = '   ^------!         ';
        const expected = ' -A--B--|         ';

        expectObservable(e1.pipe(calcPipeline({ transport, success: 0.5, random }))).toBe(expected, replies);
        expectSubscriptions(e1.subscriptions).toBe(e1subs);
      });
      expect(random.callCount, 'no roll after the cut').to.equal(3);
    });
  }

  it('follows the registry for every transport: a cut on streams, a drop on datagrams', () => {
    for (const transport of TRANSPORTS) {
      const out = emitted(from(Object.values(frames)).pipe(calcPipeline({ transport, success: 0.5, random: rolls(0.1, 0.9, 0.1, 0.1, 0.1, 0.1) })));
      expect(out, transport).to.deep.equal(isStreamTransport(transport) ? ['200,2'] : ['200,2', '300,-1', '300,-1', '200,1024', '300,-1']);
    }
  });

  it('passes a source error through', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  -a--b--#', frames, new Error('ECONNRESET'));
      const e1subs = '   ^------!';
      const expected = ' -A--B--#';

      expectObservable(e1.pipe(calcPipeline())).toBe(expected, replies, new Error('ECONNRESET'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('throws RxnetInvalidOptionError for a success outside [0, 1] when created', () => {
    for (const transport of TRANSPORTS) {
      expect(() => calcPipeline({ success: 1.1, transport }), transport)
        .to.throw(RxnetInvalidOptionError)
        .with.property('message', 'Invalid success "1.1" (expected a number from 0 to 1)');
      expect(() => calcPipeline({ success: -0.1, transport }), transport)
        .to.throw(RxnetInvalidOptionError)
        .with.property('code', 'ERR_RXNET_INVALID_OPTION');
    }
  });

  describe('end to end, from bytes to replies', () => {
    it('answers 1,000 pipelined lines of one chunk, in order', () => {
      const lines = Array.from({ length: 1000 }, (_, i) => `*,${i},2`);
      const chunk = Buffer.from(lines.map((line) => `${line}\r\n`).join(''));
      const out = emitted(of(chunk).pipe(splitLines(), calcPipeline({ transport: 'tcp' })));
      expect(out).to.deep.equal(lines.map((_, i) => `200,${i * 2}`));
    });

    it('answers every line of a TCP stream, an empty one, an invalid one and an overlong one included', () => {
      const chunks = ['+,1,1\n', '\n', 'x\n', `${'9'.repeat(2000)}\n`, '-,1,3\n', '/,1,0'].map((text) => Buffer.from(text));
      const out = emitted(from(chunks).pipe(splitLines({ maxLineLength: 1024 }), calcPipeline({ transport: 'tcp' })));
      expect(out).to.deep.equal(['200,2', '300,-1', '300,-1', '300,-1', '200,-2', '300,-1']);
    });

    it('answers each UDP datagram, dropping the ones whose roll is lost', () => {
      const datagrams = ['+,1,1\n', '*,6,7', '^,2,0.5\r\n', 'nope'].map((text) => Buffer.from(text));
      const random = rolls(0.9, 0.1, 0.1, 0.1);
      const out = emitted(from(datagrams).pipe(splitMessages(), calcPipeline({ transport: 'udp', success: 0.5, random })));
      expect(out).to.deep.equal(['200,42', '200,1.4142135623730951', '300,-1']);
    });
  });
});
