import { expect } from 'chai';
import { ERR_RXNET_INVALID_OPTION, RxnetInvalidOptionError } from '../../lib/errors.js';
import { DelimiterDecoder } from '../../lib/framing/DelimiterDecoder.js';
import type { DelimiterOptions } from '../../lib/framing/DelimiterOptions.js';
import { overlong } from '../../lib/framing/Frame.js';
import { bytes, decodeAll, texts } from './decodeAll.js';

type Options = Partial<DelimiterOptions> & Pick<DelimiterOptions, 'delimiter'>;

/** The frames (as text) of `input` in one chunk, and the same for every cut in two and byte by byte. */
function framesOf(options: Options, input: string | Buffer): unknown[] {
  const stream = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const whole = texts(decodeAll(new DelimiterDecoder(options), [stream]));
  for (let cut = 0; cut <= stream.length; cut += 1) {
    expect(texts(decodeAll(new DelimiterDecoder(options), [stream.subarray(0, cut), stream.subarray(cut)])), `cut at ${cut}`).to.deep.equal(whole);
  }
  expect(texts(decodeAll(new DelimiterDecoder(options), [...stream].map((byte) => Buffer.of(byte)))), 'byte by byte').to.deep.equal(whole);
  return whole;
}

describe('DelimiterDecoder', () => {
  describe('#push', () => {
    it('splits at a multi-byte delimiter and strips it (Netty: testMultipleLinesStrippedDelimiters)', () => {
      expect(framesOf({ delimiter: '\r\n' }, 'TestLine\r\ng\r\n')).to.deep.equal(['TestLine', 'g']);
    });

    it('keeps the delimiter with stripDelimiter false (Netty: testMultipleLines)', () => {
      expect(framesOf({ delimiter: '\r\n', stripDelimiter: false }, 'TestLine\r\ng\r\n')).to.deep.equal(['TestLine\r\n', 'g\r\n']);
    });

    it('joins a frame split across chunks (Netty: testIncompleteLinesStrippedDelimiters)', () => {
      const decoder = new DelimiterDecoder({ delimiter: '\r\n' });
      expect(decoder.push(bytes('Test'))).to.deep.equal([]);
      expect(texts(decoder.push(bytes('Line\r\ng\r\n')))).to.deep.equal(['TestLine', 'g']);
    });

    it('finds a delimiter split across three chunks', () => {
      const decoder = new DelimiterDecoder({ delimiter: '\r\n\r\n' });
      expect(decoder.push(bytes('GET / HTTP/1.1\r'))).to.deep.equal([]);
      expect(decoder.push(bytes('\n\r'))).to.deep.equal([]);
      expect(texts(decoder.push(bytes('\nHost')))).to.deep.equal(['GET / HTTP/1.1']);
      expect(decoder.bufferedBytes).to.equal(4);
    });

    it('splits at a NUL byte', () => {
      expect(framesOf({ delimiter: Uint8Array.of(0) }, bytes('a', 0, 'bc', 0, 0))).to.deep.equal(['a', 'bc', '']);
    });

    it('takes the first match of a self-overlapping delimiter, wherever the chunks were cut', () => {
      expect(framesOf({ delimiter: 'aa' }, 'xaaay')).to.deep.equal(['x', 'ay']);
      expect(framesOf({ delimiter: 'abab' }, 'ababab|abab')).to.deep.equal(['', 'ab|']);
    });

    it('takes a UTF-8 delimiter in bytes', () => {
      expect(texts(decodeAll(new DelimiterDecoder({ delimiter: '€' }), [bytes('1€2€')]))).to.deep.equal(['1', '2']);
    });

    it('gives each frame bytes of its own, not a view of the chunk', () => {
      const chunk = bytes('hi\0');
      const frames = new DelimiterDecoder({ delimiter: '\0' }).push(chunk);
      chunk.fill(0x78);
      expect(texts(frames)).to.deep.equal(['hi']);
    });
  });

  describe('over-long frames', () => {
    it('accepts a frame of exactly maxFrameLength bytes, whatever part of the delimiter has arrived', () => {
      expect(framesOf({ delimiter: '\r\n\r\n', maxFrameLength: 4 }, 'abcd\r\n\r\nefgh\r\n\r\n')).to.deep.equal(['abcd', 'efgh']);
    });

    it('reports a frame one byte over as one overlong frame, then goes on with the next', () => {
      expect(framesOf({ delimiter: '\r\n\r\n', maxFrameLength: 4 }, 'abcde\r\n\r\nok\r\n\r\n')).to.deep.equal([overlong(4), 'ok']);
    });

    it('fails fast: the overlong frame comes as soon as the frame is over, before its delimiter (Netty: testFailFastTooLongFrameRecovery)', () => {
      const decoder = new DelimiterDecoder({ delimiter: '\0', maxFrameLength: 1 });
      for (let round = 0; round < 2; round += 1) {
        expect(decoder.push(Uint8Array.of(1, 2))).to.deep.equal([overlong(1)]);
        expect(texts(decoder.push(bytes(0, 'A', 0)))).to.deep.equal(['A']);
      }
    });

    it('with failFast false, the overlong frame comes at its delimiter (Netty: testFailSlowTooLongFrameRecovery)', () => {
      const decoder = new DelimiterDecoder({ delimiter: '\0', maxFrameLength: 1, failFast: false });
      for (let round = 0; round < 2; round += 1) {
        expect(decoder.push(Uint8Array.of(1, 2))).to.deep.equal([]);
        expect(decoder.push(Uint8Array.of(0))).to.deep.equal([overlong(1)]);
        expect(texts(decoder.push(bytes('A', 0)))).to.deep.equal(['A']);
      }
    });

    it('with failFast false, the overlong frame of a stream that ends while discarding comes at end()', () => {
      const decoder = new DelimiterDecoder({ delimiter: '\0', maxFrameLength: 1, failFast: false });
      expect(decoder.push(bytes('abc'))).to.deep.equal([]);
      expect(decoder.end()).to.deep.equal([overlong(1)]);
    });

    it('holds no more than the delimiter length - 1 bytes while discarding', () => {
      const decoder = new DelimiterDecoder({ delimiter: '\r\n\r\n', maxFrameLength: 8 });
      expect(decoder.push(Buffer.alloc(1000, 'x'))).to.deep.equal([overlong(8)]);
      for (let i = 0; i < 100; i += 1) decoder.push(Buffer.alloc(37, 'y'));
      expect(decoder.bufferedBytes).to.equal(3);
      expect(texts(decoder.push(bytes('\r\n\r\nnext\r\n\r\n')))).to.deep.equal(['next']);
    });

    it('holds below maxFrameLength + delimiter length bytes of an unfinished frame', () => {
      const decoder = new DelimiterDecoder({ delimiter: '\r\n\r\n', maxFrameLength: 8 });
      expect(decoder.push(Buffer.alloc(11, 'x'))).to.deep.equal([]);
      expect(decoder.bufferedBytes).to.equal(11);
      expect(decoder.push(bytes('x'))).to.deep.equal([overlong(8)]);
      expect(decoder.bufferedBytes).to.equal(3);
    });
  });

  describe('#end', () => {
    it('yields an unterminated last frame, as the line framing does', () => {
      expect(framesOf({ delimiter: '\r\n' }, 'a\r\nb')).to.deep.equal(['a', 'b']);
    });

    it('yields an unterminated last frame that is over as an overlong frame', () => {
      expect(framesOf({ delimiter: '\r\n\r\n', maxFrameLength: 4 }, 'abcde\r\n')).to.deep.equal([overlong(4)]);
    });

    it('yields nothing after a delimiter, and nothing the second time', () => {
      const decoder = new DelimiterDecoder({ delimiter: '\n' });
      decoder.push(bytes('a\n'));
      expect(decoder.end()).to.deep.equal([]);
      expect(decoder.end()).to.deep.equal([]);
    });
  });

  describe('options', () => {
    it('defaults to 65536 bytes, stripping the delimiter, failing fast', () => {
      expect(new DelimiterDecoder({ delimiter: '\0' }).options).to.deep.equal({ delimiter: '\0', maxFrameLength: 65536, stripDelimiter: true, failFast: true });
    });

    const bad: ReadonlyArray<[Record<string, unknown>, string]> = [
      [{}, 'Invalid delimiter "" (expected a non-empty string or Uint8Array)'],
      [{ delimiter: new Uint8Array(0) }, 'Invalid delimiter "" (expected a non-empty string or Uint8Array)'],
      [{ delimiter: 0 }, 'Invalid delimiter "0" (expected a non-empty string or Uint8Array)'],
      [{ delimiter: '\0', maxFrameLength: 0 }, `Invalid maxFrameLength "0" (expected an integer 1-${2 ** 32})`],
      [{ delimiter: '\0', stripDelimiter: 1 }, 'Invalid stripDelimiter "1" (expected true or false)'],
      [{ delimiter: '\0', maxLineLength: 1 }, 'Unknown option maxLineLength'],
    ];
    const show = (options: Record<string, unknown>): string => JSON.stringify(options, (_, value: unknown) => (value instanceof Uint8Array ? `Uint8Array(${value.length})` : value));
    for (const [options, message] of bad) {
      it(`rejects ${show(options)}: ${message}`, () => {
        expect(() => new DelimiterDecoder(options as Options))
          .to.throw(RxnetInvalidOptionError, message)
          .with.property('code', ERR_RXNET_INVALID_OPTION);
      });
    }
  });
});
