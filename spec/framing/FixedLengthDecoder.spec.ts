import { expect } from 'chai';
import { ERR_RXNET_FRAME_TRUNCATED, RxnetFramingError, RxnetInvalidOptionError } from '../../lib/errors.js';
import { FixedLengthDecoder } from '../../lib/framing/FixedLengthDecoder.js';
import { bytes, decodeAll, texts } from './decodeAll.js';

describe('FixedLengthDecoder', () => {
  describe('#push', () => {
    it("cuts the stream into frames of frameLength bytes, however it arrives (Netty's javadoc: A | BC | DEFG | HI)", () => {
      const expected = ['ABC', 'DEF', 'GHI'];
      expect(texts(decodeAll(new FixedLengthDecoder(3), [bytes('A'), bytes('BC'), bytes('DEFG'), bytes('HI')]))).to.deep.equal(expected);
      expect(texts(decodeAll(new FixedLengthDecoder(3), [bytes('ABCDEFGHI')]))).to.deep.equal(expected);
    });

    it('holds below frameLength bytes, and frames of its own', () => {
      const decoder = new FixedLengthDecoder(4);
      const chunk = bytes('abcdef');
      const frames = decoder.push(chunk);
      chunk.fill(0);
      expect(texts(frames)).to.deep.equal(['abcd']);
      expect(decoder.bufferedBytes).to.equal(2);
    });

    it('yields one-byte frames for frameLength 1', () => {
      expect(texts(decodeAll(new FixedLengthDecoder(1), [bytes('xyz')]))).to.deep.equal(['x', 'y', 'z']);
    });
  });

  describe('#end', () => {
    it('yields nothing after whole frames', () => {
      expect(decodeAll(new FixedLengthDecoder(2), [bytes('ab')])).to.have.length(1);
    });

    it('fails on a stream that ends inside a frame, and keeps failing', () => {
      const decoder = new FixedLengthDecoder(8);
      decoder.push(bytes('abc'));
      expect(() => decoder.end())
        .to.throw(RxnetFramingError, 'The stream ended inside a frame, after 3 bytes, 5 bytes short of its 8 (fixed-length framing)')
        .with.property('code', ERR_RXNET_FRAME_TRUNCATED);
      expect(decoder.failure?.info).to.deep.equal({ framing: 'fixed-length', length: 3, limit: 8 });
      expect(() => decoder.push(bytes('defghijk'))).to.throw(RxnetFramingError).that.equals(decoder.failure);
    });
  });

  it('rejects a frameLength that is not a positive integer', () => {
    for (const frameLength of [0, -1, 1.5, Number.NaN]) {
      expect(() => new FixedLengthDecoder(frameLength), String(frameLength)).to.throw(RxnetInvalidOptionError, `Invalid frameLength "${frameLength}"`);
    }
  });
});
