import { expect } from 'chai';
import { DEFAULT_MAX_LINE_LENGTH, isOverlong, overlong } from '../../lib/framing/Frame.js';

describe('Frame', () => {
  describe('overlong', () => {
    it('builds the marker for a limit', () => {
      expect(overlong(1024)).to.deep.equal({ overlong: true, limit: 1024 });
    });
  });

  describe('isOverlong', () => {
    it('is true for the overlong marker', () => {
      expect(isOverlong(overlong(8))).to.equal(true);
    });

    for (const text of ['', '+,1,1', 'overlong']) {
      it(`is false for the text ${JSON.stringify(text)}`, () => {
        expect(isOverlong(text)).to.equal(false);
      });
    }

    it('is false for binary frames, empty or not, and for a Buffer whose bytes spell anything', () => {
      for (const frame of [new Uint8Array(0), Uint8Array.of(1), Buffer.from('{"overlong":true}')]) expect(isOverlong(frame)).to.equal(false);
    });
  });

  it('has a default maximum of 4096 bytes (the minimum of 1 KiB is calc\'s: spec/calc/lineLimits.spec.ts)', () => {
    expect(DEFAULT_MAX_LINE_LENGTH).to.equal(4096);
  });
});
