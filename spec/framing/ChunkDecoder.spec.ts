import { expect } from 'chai';
import { ChunkDecoder } from '../../lib/framing/ChunkDecoder.js';
import { overlong } from '../../lib/framing/Frame.js';
import { decodeMessage } from '../../lib/framing/decodeMessage.js';
import { bytes } from './decodeAll.js';

describe('ChunkDecoder', () => {
  it('decodes each chunk as one message, as decodeMessage does', () => {
    const decoder = new ChunkDecoder(8);
    for (const text of ['+,1,1\n', '+,1,1\r\n', 'a\nb\n', '', '123456789']) {
      expect(decoder.push(bytes(text)), JSON.stringify(text)).to.deep.equal([decodeMessage(bytes(text), 8)]);
    }
    expect(decoder.push(bytes('123456789'))).to.deep.equal([overlong(8)]);
  });

  it('holds nothing between chunks: end() yields nothing', () => {
    const decoder = new ChunkDecoder();
    decoder.push(bytes('+,1'));
    expect(decoder.bufferedBytes).to.equal(0);
    expect(decoder.end()).to.deep.equal([]);
  });

  it('uses a limit of 4096 bytes by default', () => {
    expect(new ChunkDecoder().maxLength).to.equal(4096);
  });
});
