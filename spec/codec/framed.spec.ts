import { expect } from 'chai';
import { mergeMap, of, take, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { framed } from '../../lib/codec/framed.js';
import { ERR_RXNET_FRAME_TOO_LONG, ERR_RXNET_FRAME_TRUNCATED, RxnetFramingError } from '../../lib/errors.js';
import type { FrameDecoder } from '../../lib/framing/FrameDecoder.js';
import { LengthFieldDecoder } from '../../lib/framing/LengthFieldDecoder.js';
import { LineDecoder } from '../../lib/framing/LineDecoder.js';

const bytes = (...parts: ReadonlyArray<number | string>): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.of(part))));

/** A 1-byte length, then at most 7 bytes of body; frames are the bodies, as text for the marbles. */
function lengthPrefixed(): FrameDecoder<string> {
  const decoder = new LengthFieldDecoder({ lengthFieldLength: 1, initialBytesToStrip: 1, maxFrameLength: 8 });
  return {
    push: (chunk) => decoder.push(chunk).map((frame) => frame.toString('latin1')),
    end: () => decoder.end().map((frame) => frame.toString('latin1')),
    get failure() {
      return decoder.failure;
    },
  };
}

/** The error a marble compares with: TestScheduler, like chai, compares errors by name and message only. */
const framingError = (message: string): RxnetFramingError => new RxnetFramingError(ERR_RXNET_FRAME_TOO_LONG, message, { framing: 'length-field', length: 0 });

/** Everything `chunks` make through `framed(createDecoder)`: the frames and the error, if any. */
function run<F>(createDecoder: () => FrameDecoder<F>, chunks: readonly Uint8Array[]): { frames: F[]; error: unknown } {
  const frames: F[] = [];
  let error: unknown;
  of(...chunks)
    .pipe(framed(createDecoder))
    .subscribe({ next: (frame) => frames.push(frame), error: (err: unknown) => (error = err) });
  return { frames, error };
}

describe('framed', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('emits the frames each chunk completes, in order, joining frames across chunks', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c-----|', { a: bytes(2, 'h'), b: bytes('i', 1), c: bytes('!', 0) });
      const e1subs = '   ^-------------!';
      const expected = ' -----x--(yz)--|';

      expectObservable(e1.pipe(framed(lengthPrefixed))).toBe(expected, { x: 'hi', y: '!', z: '' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('ends the decoder when the source completes, emitting what it yields before completing', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--|   ', { a: Buffer.from('+,1,1\n+,2,2') });
      const e1subs = '   ^----!   ';
      const expected = ' --x--(y|)';

      expectObservable(e1.pipe(framed(() => new LineDecoder()))).toBe(expected, { x: '+,1,1', y: '+,2,2' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('errors with the decoder failure after the frames before it, and unsubscribes from the source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--|', { a: bytes(1, 'x', 20, 'y'), b: bytes(1, 'z') });
      const e1subs = '   ^-!      ';
      const expected = ' --(x#)   ';

      expectObservable(e1.pipe(framed(lengthPrefixed))).toBe(expected, { x: 'x' }, framingError('Frame of 21 bytes is over the maximum of 8 (length-field framing)'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    const { frames, error } = run(lengthPrefixed, [bytes(1, 'x', 20, 'y'), bytes(1, 'z')]);
    expect(frames).to.deep.equal(['x']);
    expect(error).to.be.instanceOf(RxnetFramingError).with.property('code', ERR_RXNET_FRAME_TOO_LONG);
    expect((error as RxnetFramingError).info).to.deep.equal({ framing: 'length-field', length: 21, limit: 8 });
  });

  it('errors when the source completes inside a frame (a truncated frame)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--|', { a: bytes(1, 'x', 3, 'y') });
      const e1subs = '   ^----!';
      const expected = ' --x--#';
      const truncated = new RxnetFramingError(ERR_RXNET_FRAME_TRUNCATED, 'The stream ended inside a frame, after 2 bytes, 2 bytes short of its 4 (length-field framing)', {
        framing: 'length-field',
        length: 2,
        limit: 4,
      });

      expectObservable(e1.pipe(framed(lengthPrefixed))).toBe(expected, { x: 'x' }, truncated);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(run(lengthPrefixed, [bytes(1, 'x', 3, 'y')]).error).to.have.property('code', ERR_RXNET_FRAME_TRUNCATED);
  });

  it('passes an error from the source through, discarding an unfinished frame', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--#', { a: bytes(1, 'x', 3, 'y') }, new Error('ECONNRESET'));
      const e1subs = '   ^----!';
      const expected = ' --x--#';

      expectObservable(e1.pipe(framed(lengthPrefixed))).toBe(expected, { x: 'x' }, new Error('ECONNRESET'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('errors when the decoder cannot be made, or its push throws', () => {
    const broken = new Error('no decoder');
    expect(run(() => {
      throw broken;
    }, [bytes(1)]).error).to.equal(broken);
    const throwing: FrameDecoder<never> = {
      push: () => {
        throw broken;
      },
      end: () => [],
    };
    expect(run(() => throwing, [bytes(1), bytes(2)])).to.deep.equal({ frames: [], error: broken });
  });

  it('gives each subscription a decoder of its own', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b------|', { a: bytes(2, 'h'), b: bytes('i', 1, '!') });
      const e1subs = [' ^-----------!', ' ^-----------!'];
      const expected = ' -----(xy)---|';

      const frames = e1.pipe(framed(lengthPrefixed));
      expectObservable(frames).toBe(expected, { x: 'hi', y: '!' });
      expectObservable(frames).toBe(expected, { x: 'hi', y: '!' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('decodes nothing more once it has errored, even from a synchronous source', () => {
    let pushes = 0;
    const counting = (): FrameDecoder<string> => {
      const decoder = lengthPrefixed();
      return {
        push: (chunk) => ((pushes += 1), decoder.push(chunk)),
        end: () => decoder.end(),
        get failure() {
          return decoder.failure;
        },
      };
    };
    const { frames, error } = run(counting, [bytes(1, 'a', 99), bytes(1, 'b'), bytes(1, 'c')]);
    expect(frames).to.deep.equal(['a']);
    expect(error).to.have.property('code', ERR_RXNET_FRAME_TOO_LONG);
    expect(pushes, 'the chunks after the failure are never decoded').to.equal(1);
  });

  it('stops emitting the frames of a chunk once the subscriber has unsubscribed', () => {
    const frames: string[] = [];
    of(bytes(1, 'a', 1, 'b', 1, 'c'))
      .pipe(framed(lengthPrefixed), take(2), toArray())
      .subscribe((values) => frames.push(...values));
    expect(frames).to.deep.equal(['a', 'b']);
  });

  it('frames a datagram the same way: a fresh observable fed the datagram, then completed', () => {
    expect(run(lengthPrefixed, [bytes(2, 'hi', 1, '!')])).to.deep.equal({ frames: ['hi', '!'], error: undefined });
    expect(run(lengthPrefixed, [bytes(5, 'hi')]).error).to.have.property('code', ERR_RXNET_FRAME_TRUNCATED);
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', { a: bytes(1, 'w'), b: bytes(1, 'x'), c: bytes(1, 'y'), d: bytes(1, 'z') });
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --w--x---      ';

      expectObservable(e1.pipe(framed(lengthPrefixed)), unsub).toBe(expected, { w: 'w', x: 'x' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--d--|', { a: bytes(1, 'w'), b: bytes(1, 'x'), c: bytes(1, 'y'), d: bytes(1, 'z') });
      const e1subs = '   ^-------!      ';
      const unsub = '    --------!      ';
      const expected = ' --w--x---      ';

      const result = e1.pipe(
        mergeMap((chunk: Uint8Array) => of(chunk)),
        framed(lengthPrefixed),
        mergeMap((frame: string) => of(frame)),
      );

      expectObservable(result, unsub).toBe(expected, { w: 'w', x: 'x' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
