import { expect } from 'chai';
import {
  ERR_RXNET_BAD_LENGTH_FIELD,
  ERR_RXNET_FRAME_TOO_LONG,
  ERR_RXNET_FRAME_TRUNCATED,
  ERR_RXNET_INVALID_OPTION,
  RxnetFramingError,
  RxnetInvalidOptionError,
} from '../../lib/errors.js';
import { LengthFieldDecoder } from '../../lib/framing/LengthFieldDecoder.js';
import type { LengthFieldOptions } from '../../lib/framing/LengthFieldOptions.js';
import { bytes, decodeAll, texts } from './decodeAll.js';

/** Every way to cut `input` in two, and byte by byte: each must give `expected`. */
function expectFrames(options: Partial<LengthFieldOptions>, input: Buffer, expected: readonly Buffer[]): void {
  expect(decodeAll(new LengthFieldDecoder(options), [input]), 'one chunk').to.deep.equal(expected);
  for (let cut = 0; cut <= input.length; cut += 1) {
    expect(decodeAll(new LengthFieldDecoder(options), [input.subarray(0, cut), input.subarray(cut)]), `cut at ${cut}`).to.deep.equal(expected);
  }
  expect(decodeAll(new LengthFieldDecoder(options), [...input].map((byte) => Buffer.of(byte))), 'byte by byte').to.deep.equal(expected);
}

/** The failure a push or end met, asserted by class, code, message and info. */
function failureOf(decoder: LengthFieldDecoder, chunks: readonly Buffer[]): RxnetFramingError {
  try {
    decodeAll(decoder, chunks);
  } catch (err: unknown) {
    expect(err).to.be.instanceOf(RxnetFramingError);
    return err as RxnetFramingError;
  }
  throw new Error('expected a failure');
}

const HELLO = 'HELLO, WORLD';

describe('LengthFieldDecoder', () => {
  describe("Netty's javadoc examples", () => {
    it('2-byte length at offset 0, header kept', () => {
      const frame = bytes(0x00, 0x0c, HELLO);
      expectFrames({ lengthFieldLength: 2 }, frame, [frame]);
    });

    it('2-byte length at offset 0, header stripped', () => {
      expectFrames({ lengthFieldLength: 2, initialBytesToStrip: 2 }, bytes(0x00, 0x0c, HELLO), [bytes(HELLO)]);
    });

    it('2-byte length counting the whole message (lengthAdjustment -2), header kept', () => {
      const frame = bytes(0x00, 0x0e, HELLO);
      expectFrames({ lengthFieldLength: 2, lengthAdjustment: -2 }, frame, [frame]);
    });

    it('3-byte length at the end of a 5-byte header (lengthFieldOffset 2), header kept', () => {
      const frame = bytes(0xca, 0xfe, 0x00, 0x00, 0x0c, HELLO);
      expectFrames({ lengthFieldOffset: 2, lengthFieldLength: 3 }, frame, [frame]);
    });

    it('3-byte length at the start of a 5-byte header (lengthAdjustment 2), header kept', () => {
      const frame = bytes(0x00, 0x00, 0x0c, 0xca, 0xfe, HELLO);
      expectFrames({ lengthFieldLength: 3, lengthAdjustment: 2 }, frame, [frame]);
    });

    it('2-byte length at offset 1 of a 4-byte header, HDR1 and the length stripped', () => {
      expectFrames(
        { lengthFieldOffset: 1, lengthFieldLength: 2, lengthAdjustment: 1, initialBytesToStrip: 3 },
        bytes(0xca, 0x00, 0x0c, 0xfe, HELLO),
        [bytes(0xfe, HELLO)],
      );
    });

    it('2-byte length of the whole message at offset 1 of a 4-byte header, HDR1 and the length stripped', () => {
      expectFrames(
        { lengthFieldOffset: 1, lengthFieldLength: 2, lengthAdjustment: -3, initialBytesToStrip: 3 },
        bytes(0xca, 0x00, 0x10, 0xfe, HELLO),
        [bytes(0xfe, HELLO)],
      );
    });
  });

  describe('#push', () => {
    it('yields several frames of one chunk, in order, and an empty body as an empty frame', () => {
      expectFrames({ lengthFieldLength: 1, initialBytesToStrip: 1 }, bytes(2, 'hi', 0, 1, '!'), [bytes('hi'), bytes(''), bytes('!')]);
    });

    const widths: ReadonlyArray<[1 | 2 | 3 | 4 | 8, number[], number[]]> = [
      [1, [5], [5]],
      [2, [0x00, 0x05], [0x05, 0x00]],
      [3, [0x00, 0x00, 0x05], [0x05, 0x00, 0x00]],
      [4, [0x00, 0x00, 0x00, 0x05], [0x05, 0x00, 0x00, 0x00]],
      [8, [0, 0, 0, 0, 0, 0, 0, 5], [5, 0, 0, 0, 0, 0, 0, 0]],
    ];
    for (const [lengthFieldLength, big, little] of widths) {
      it(`reads a ${lengthFieldLength}-byte length field big-endian and little-endian`, () => {
        const options = { lengthFieldLength, initialBytesToStrip: lengthFieldLength };
        expectFrames({ ...options, byteOrder: 'big-endian' }, bytes(...big, 'hello'), [bytes('hello')]);
        expectFrames({ ...options, byteOrder: 'little-endian' }, bytes(...little, 'hello'), [bytes('hello')]);
      });
    }

    it('reads the field as unsigned up to 4 bytes: 0xffff is 65535, not -1', () => {
      const decoder = new LengthFieldDecoder({ lengthFieldLength: 2, maxFrameLength: 70000, initialBytesToStrip: 2 });
      const body = Buffer.alloc(65535, 'x');
      expect(decoder.push(Buffer.concat([bytes(0xff, 0xff), body]))).to.deep.equal([body]);
    });

    it('gives each frame bytes of its own, not a view of the chunk', () => {
      const chunk = bytes(0, 2, 'hi');
      const [frame] = new LengthFieldDecoder({ lengthFieldLength: 2, initialBytesToStrip: 2 }).push(chunk);
      chunk.fill(0);
      expect(texts([frame])).to.deep.equal(['hi']);
    });

    it('reads a chunk that is a view at an offset of a larger buffer', () => {
      const backing = bytes(9, 9, 0, 2, 'hi', 9);
      expect(new LengthFieldDecoder({ lengthFieldLength: 2, initialBytesToStrip: 2 }).push(new Uint8Array(backing.buffer, backing.byteOffset + 2, 4))).to.deep.equal([bytes('hi')]);
    });

    it('holds at most maxFrameLength bytes while a frame arrives', () => {
      const decoder = new LengthFieldDecoder({ maxFrameLength: 104, initialBytesToStrip: 4 });
      decoder.push(bytes(0, 0, 0, 100));
      for (let i = 0; i < 99; i += 1) decoder.push(Buffer.of(i));
      expect(decoder.bufferedBytes).to.equal(103);
      expect(decoder.push(Buffer.of(99))).to.have.length(1);
      expect(decoder.bufferedBytes).to.equal(0);
    });
  });

  describe('failures', () => {
    it('fails fast on a length over maxFrameLength, after the frames before it (Netty: testDiscardTooLongFrame1)', () => {
      const decoder = new LengthFieldDecoder({ maxFrameLength: 16 });
      const frames = decoder.push(Buffer.concat([bytes(0, 0, 0, 1, 'a'), bytes(0, 0, 0, 32), Buffer.alloc(32)]));
      expect(texts(frames)).to.deep.equal(['\u0000\u0000\u0000\u0001a']);
      const failure = decoder.failure as RxnetFramingError;
      expect(failure).to.be.instanceOf(RxnetFramingError);
      expect(failure.code).to.equal(ERR_RXNET_FRAME_TOO_LONG);
      expect(failure.message).to.equal('Frame of 36 bytes is over the maximum of 16 (length-field framing)');
      expect(failure.info).to.deep.equal({ framing: 'length-field', length: 36, limit: 16 });
      expect(decoder.bufferedBytes, 'drops what it held').to.equal(0);
    });

    it('fails fast as soon as the field is read, before the body arrives (Netty: testFailFastTooLongFrameRecovery)', () => {
      const decoder = new LengthFieldDecoder({ maxFrameLength: 5, initialBytesToStrip: 4 });
      expect(decoder.push(bytes(0, 0, 0, 2))).to.deep.equal([]);
      expect(decoder.failure?.code).to.equal(ERR_RXNET_FRAME_TOO_LONG);
    });

    it('with failFast false, fails once the over-long frame has been read out (Netty: testFailSlowTooLongFrameRecovery)', () => {
      const decoder = new LengthFieldDecoder({ maxFrameLength: 5, initialBytesToStrip: 4, failFast: false });
      expect(decoder.push(bytes(0, 0, 0, 2))).to.deep.equal([]);
      expect(decoder.failure).to.equal(undefined);
      expect(decoder.push(bytes(0))).to.deep.equal([]);
      expect(decoder.failure).to.equal(undefined);
      expect(decoder.bufferedBytes, 'discarded as it arrives').to.equal(0);
      expect(decoder.push(bytes(0, 0, 0, 0, 1, 'A'))).to.deep.equal([]);
      expect(decoder.failure?.message).to.equal('Frame of 6 bytes is over the maximum of 5 (length-field framing)');
    });

    it('with failFast false, fails at end() when the stream ends inside the over-long frame', () => {
      const decoder = new LengthFieldDecoder({ maxFrameLength: 5, failFast: false });
      decoder.push(bytes(0, 0, 0, 9, 'abc'));
      expect(() => decoder.end()).to.throw(RxnetFramingError, 'Frame of 13 bytes is over the maximum of 5 (length-field framing)');
    });

    it('throws its failure from every later push() and end()', () => {
      const decoder = new LengthFieldDecoder({ maxFrameLength: 16 });
      decoder.push(bytes(0, 0, 1, 0));
      const failure = decoder.failure;
      expect(() => decoder.push(bytes(0, 0, 0, 1, 'a'))).to.throw(RxnetFramingError).that.equals(failure);
      expect(() => decoder.end()).to.throw(RxnetFramingError).that.equals(failure);
    });

    it('fails on a negative 8-byte length field', () => {
      const failure = failureOf(new LengthFieldDecoder({ lengthFieldLength: 8 }), [bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 'xx')]);
      expect(failure.code).to.equal(ERR_RXNET_BAD_LENGTH_FIELD);
      expect(failure.message).to.equal('Bad length field -2: a length cannot be negative (length-field framing)');
      expect(failure.info).to.deep.equal({ framing: 'length-field', length: -2, limit: 0 });
    });

    it('fails on a field whose adjusted length is shorter than the header', () => {
      const failure = failureOf(new LengthFieldDecoder({ lengthFieldLength: 2, lengthAdjustment: -4 }), [bytes(0, 1, 'x')]);
      expect(failure.code).to.equal(ERR_RXNET_BAD_LENGTH_FIELD);
      expect(failure.message).to.equal('Bad length field 1: the frame would be -1 bytes, less than the 2 up to the end of the length field (length-field framing)');
      expect(failure.info).to.deep.equal({ framing: 'length-field', length: -1, limit: 2 });
    });

    it('fails on a frame shorter than initialBytesToStrip', () => {
      const failure = failureOf(new LengthFieldDecoder({ lengthFieldLength: 1, lengthAdjustment: -1, initialBytesToStrip: 3 }), [bytes(2, 'x')]);
      expect(failure.code).to.equal(ERR_RXNET_BAD_LENGTH_FIELD);
      expect(failure.message).to.equal('Bad length field 2: the frame would be 2 bytes, less than initialBytesToStrip 3 (length-field framing)');
    });

    it('fails at end() on a stream that ends inside a frame', () => {
      const failure = failureOf(new LengthFieldDecoder(), [bytes(0, 0, 0, 5, 'abc')]);
      expect(failure.code).to.equal(ERR_RXNET_FRAME_TRUNCATED);
      expect(failure.message).to.equal('The stream ended inside a frame, after 7 bytes, 2 bytes short of its 9 (length-field framing)');
      expect(failure.info).to.deep.equal({ framing: 'length-field', length: 7, limit: 9 });
    });

    it('fails at end() on a stream that ends inside a length field', () => {
      const failure = failureOf(new LengthFieldDecoder(), [bytes(0, 0)]);
      expect(failure.code).to.equal(ERR_RXNET_FRAME_TRUNCATED);
      expect(failure.message).to.equal('The stream ended inside a frame, after 2 bytes, before the end of its length field at byte 4 (length-field framing)');
    });

    it('ends cleanly, yielding nothing, after whole frames', () => {
      const decoder = new LengthFieldDecoder({ lengthFieldLength: 1 });
      decoder.push(bytes(1, 'a'));
      expect(decoder.end()).to.deep.equal([]);
      expect(decoder.end()).to.deep.equal([]);
    });
  });

  describe('options', () => {
    it('defaults as Netty does: offset 0, 4 bytes big-endian, no adjustment, nothing stripped, fail fast; 65536 bytes at most', () => {
      expect(new LengthFieldDecoder().options).to.deep.equal({
        maxFrameLength: 65536,
        lengthFieldOffset: 0,
        lengthFieldLength: 4,
        lengthAdjustment: 0,
        initialBytesToStrip: 0,
        byteOrder: 'big-endian',
        failFast: true,
      });
    });

    const bad: ReadonlyArray<[Record<string, unknown>, string]> = [
      [{ lengthFieldLength: 5 }, 'Invalid lengthFieldLength "5" (expected one of 1, 2, 3, 4, 8)'],
      [{ maxFrameLength: 0 }, `Invalid maxFrameLength "0" (expected an integer 1-${2 ** 32})`],
      [{ lengthFieldOffset: -1 }, `Invalid lengthFieldOffset "-1" (expected an integer 0-${2 ** 32})`],
      [{ initialBytesToStrip: 1.5 }, `Invalid initialBytesToStrip "1.5" (expected an integer 0-${2 ** 32})`],
      [{ byteOrder: 'BE' }, 'Invalid byteOrder "BE" (expected one of "big-endian", "little-endian")'],
      [{ failFast: 'yes' }, 'Invalid failFast "yes" (expected true or false)'],
      [{ maxFrameLength: 5, lengthFieldOffset: 2 }, 'Invalid lengthFieldOffset "2" (expected at most maxFrameLength - lengthFieldLength = 1)'],
      [{ lengthFieldOfset: 2 }, 'Unknown option lengthFieldOfset'],
    ];
    for (const [options, message] of bad) {
      it(`rejects ${JSON.stringify(options)}: ${message}`, () => {
        expect(() => new LengthFieldDecoder(options as Partial<LengthFieldOptions>))
          .to.throw(RxnetInvalidOptionError, message)
          .with.property('code', ERR_RXNET_INVALID_OPTION);
      });
    }
  });
});
