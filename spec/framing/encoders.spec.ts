import { expect } from 'chai';
import { ERR_RXNET_INVALID_OPTION, ERR_RXNET_UNENCODABLE_FRAME, RxnetFramingError, RxnetInvalidOptionError } from '../../lib/errors.js';
import { delimiterEncoder } from '../../lib/framing/delimiterEncoder.js';
import { encodeChunk } from '../../lib/framing/encodeChunk.js';
import { encodeLine } from '../../lib/framing/encodeLine.js';
import { fixedLengthEncoder } from '../../lib/framing/fixedLengthEncoder.js';
import { lengthFieldEncoder } from '../../lib/framing/lengthFieldEncoder.js';
import { bytes } from './decodeAll.js';

/** The RxnetFramingError `encode()` throws, asserted by code; returns it for its message and info. */
function refusal(encode: () => unknown): RxnetFramingError {
  try {
    encode();
  } catch (err: unknown) {
    expect(err).to.be.instanceOf(RxnetFramingError);
    expect((err as RxnetFramingError).code).to.equal(ERR_RXNET_UNENCODABLE_FRAME);
    return err as RxnetFramingError;
  }
  throw new Error('expected the encoder to refuse');
}

describe('encoders', () => {
  describe('encodeLine', () => {
    it('appends a \\n', () => {
      expect(encodeLine('200,2')).to.equal('200,2\n');
      expect(encodeLine('')).to.equal('\n');
    });

    it('refuses a message holding a \\n, so it cannot smuggle in a line of its own', () => {
      const err = refusal(() => encodeLine('200,2\n300,-1'));
      expect(err.message).to.equal('Cannot encode a 12-byte message as a line frame: it holds a "\\n", which would end the line early');
      expect(err.info).to.deep.equal({ framing: 'line', length: 12 });
    });

    it('refuses a message ending in \\r, which the decoder would take for part of the terminator', () => {
      expect(refusal(() => encodeLine('a\r')).message).to.equal('Cannot encode a 2-byte message as a line frame: it ends in "\\r", which would be read as part of its terminator');
    });

    it('keeps a \\r inside a message', () => {
      expect(encodeLine('a\rb')).to.equal('a\rb\n');
    });
  });

  describe('encodeChunk', () => {
    it("appends a \\n, as chunk mode's replies are written today", () => {
      expect(encodeChunk('200,2')).to.equal('200,2\n');
    });

    it('keeps a \\n inside a message: a chunk is one message whatever it holds', () => {
      expect(encodeChunk('a\nb')).to.equal('a\nb\n');
    });

    it('refuses a message ending in \\r', () => {
      expect(refusal(() => encodeChunk('a\r')).info).to.deep.equal({ framing: 'chunk', length: 2 });
    });
  });

  describe('delimiterEncoder', () => {
    it('appends the delimiter to bytes and to UTF-8 text', () => {
      const encode = delimiterEncoder('\r\n\r\n');
      expect(encode(bytes('GET / HTTP/1.1'))).to.deep.equal(bytes('GET / HTTP/1.1\r\n\r\n'));
      expect(encode('é')).to.deep.equal(bytes('é\r\n\r\n'));
      expect(delimiterEncoder(Uint8Array.of(0))('')).to.deep.equal(Buffer.of(0));
    });

    it('refuses a message holding the delimiter', () => {
      const err = refusal(() => delimiterEncoder('\0')(bytes('a', 0, 'b')));
      expect(err.message).to.equal('Cannot encode a 3-byte message as a delimiter frame: it holds the delimiter, or ends in the start of it, which would end the frame early');
      expect(err.info).to.deep.equal({ framing: 'delimiter', length: 3 });
    });

    it('refuses a message ending in the start of the delimiter, which would end the frame early', () => {
      refusal(() => delimiterEncoder('\r\n\r\n')('a\r\n'));
      refusal(() => delimiterEncoder('aa')('xa'));
    });

    it('accepts a message holding part of the delimiter elsewhere', () => {
      expect(delimiterEncoder('\r\n\r\n')('a\r\nb')).to.deep.equal(bytes('a\r\nb\r\n\r\n'));
    });

    it('rejects an empty delimiter at once', () => {
      expect(() => delimiterEncoder(''))
        .to.throw(RxnetInvalidOptionError, 'Invalid delimiter "" (expected a non-empty string or Uint8Array)')
        .with.property('code', ERR_RXNET_INVALID_OPTION);
    });
  });

  describe("lengthFieldEncoder (Netty's LengthFieldPrepender)", () => {
    const A = bytes('A');

    it('prepends a 4-byte big-endian length by default (Netty: testPrependLength)', () => {
      expect(lengthFieldEncoder()(A)).to.deep.equal(bytes(0, 0, 0, 1, 'A'));
    });

    it('counts the field itself with lengthIncludesLengthFieldLength (Netty: testPrependLengthIncludesLengthFieldLength)', () => {
      expect(lengthFieldEncoder({ lengthIncludesLengthFieldLength: true })(A)).to.deep.equal(bytes(0, 0, 0, 5, 'A'));
    });

    it('adds lengthAdjustment to the length (Netty: testPrependAdjustedLength)', () => {
      expect(lengthFieldEncoder({ lengthAdjustment: -1 })(A)).to.deep.equal(bytes(0, 0, 0, 0, 'A'));
    });

    it('refuses a length that would be negative (Netty: testAdjustedLengthLessThanZero)', () => {
      const err = refusal(() => lengthFieldEncoder({ lengthAdjustment: -2 })(A));
      expect(err.message).to.equal('Cannot encode a 1-byte message as a length-field frame: its length field would be -1, outside the 0-4294967295 a 4-byte field holds');
      expect(err.info).to.deep.equal({ framing: 'length-field', length: 1, limit: 4294967295 });
    });

    it('writes the length little-endian (Netty: testPrependLengthInLittleEndian)', () => {
      expect(lengthFieldEncoder({ byteOrder: 'little-endian' })(A)).to.deep.equal(bytes(1, 0, 0, 0, 'A'));
    });

    it("writes Netty's javadoc example: a 2-byte length before HELLO, WORLD", () => {
      expect(lengthFieldEncoder({ lengthFieldLength: 2 })('HELLO, WORLD')).to.deep.equal(bytes(0x00, 0x0c, 'HELLO, WORLD'));
      expect(lengthFieldEncoder({ lengthFieldLength: 2, lengthIncludesLengthFieldLength: true })('HELLO, WORLD')).to.deep.equal(bytes(0x00, 0x0e, 'HELLO, WORLD'));
    });

    it('writes 1, 2, 3 and 8-byte fields both ways, the length of UTF-8 text in bytes', () => {
      expect(lengthFieldEncoder({ lengthFieldLength: 1 })('é')).to.deep.equal(bytes(2, 'é'));
      expect(lengthFieldEncoder({ lengthFieldLength: 3 })('ab')).to.deep.equal(bytes(0, 0, 2, 'ab'));
      expect(lengthFieldEncoder({ lengthFieldLength: 3, byteOrder: 'little-endian' })('ab')).to.deep.equal(bytes(2, 0, 0, 'ab'));
      expect(lengthFieldEncoder({ lengthFieldLength: 8 })('ab')).to.deep.equal(bytes(0, 0, 0, 0, 0, 0, 0, 2, 'ab'));
      expect(lengthFieldEncoder({ lengthFieldLength: 8, byteOrder: 'little-endian' })('ab')).to.deep.equal(bytes(2, 0, 0, 0, 0, 0, 0, 0, 'ab'));
    });

    it('refuses a length the field cannot hold (Netty: "length does not fit into a byte")', () => {
      expect(lengthFieldEncoder({ lengthFieldLength: 1 })(Buffer.alloc(255))).to.have.length(256);
      expect(refusal(() => lengthFieldEncoder({ lengthFieldLength: 1 })(Buffer.alloc(256))).info).to.deep.equal({ framing: 'length-field', length: 256, limit: 255 });
      refusal(() => lengthFieldEncoder({ lengthFieldLength: 2, lengthAdjustment: 1 })(Buffer.alloc(65535)));
    });

    it('rejects a bad option at once', () => {
      expect(() => lengthFieldEncoder({ lengthFieldLength: 6 as 4 })).to.throw(RxnetInvalidOptionError, 'Invalid lengthFieldLength "6" (expected one of 1, 2, 3, 4, 8)');
    });
  });

  describe('fixedLengthEncoder', () => {
    it('gives a message of exactly frameLength bytes as it is', () => {
      const message = bytes('ping');
      expect(fixedLengthEncoder(4)(message)).to.equal(message);
      expect(fixedLengthEncoder(4)('pong')).to.deep.equal(bytes('pong'));
    });

    it('refuses a message of any other length', () => {
      const err = refusal(() => fixedLengthEncoder(4)('pong!'));
      expect(err.message).to.equal('Cannot encode a 5-byte message as a fixed-length frame: every frame is exactly 4 bytes');
      expect(err.info).to.deep.equal({ framing: 'fixed-length', length: 5, limit: 4 });
      refusal(() => fixedLengthEncoder(4)('abc'));
    });

    it('rejects a frameLength below 1 at once', () => {
      expect(() => fixedLengthEncoder(0)).to.throw(RxnetInvalidOptionError, `Invalid frameLength "0" (expected an integer 1-${2 ** 32})`);
    });
  });
});
