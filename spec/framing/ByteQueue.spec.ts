import { expect } from 'chai';
import { ByteQueue } from '../../lib/framing/ByteQueue.js';
import { bytes } from './decodeAll.js';

describe('ByteQueue', () => {
  it('keeps copies: changing an appended chunk afterwards changes nothing', () => {
    const queue = new ByteQueue();
    const chunk = bytes('abc');
    queue.append(chunk);
    chunk.fill(0);
    expect(queue.take(3).toString()).to.equal('abc');
    expect(queue.length).to.equal(0);
  });

  it('takes, peeks and skips across pieces, small and large', () => {
    const queue = new ByteQueue();
    const large = Buffer.alloc(5000, 'L');
    queue.append(bytes('ab'));
    queue.append(bytes('cd'));
    queue.append(large);
    queue.append(bytes('ef'));
    expect(queue.length).to.equal(5006);
    expect(queue.peek(1, 4).toString()).to.equal('bcdL');
    queue.skip(3);
    expect(queue.take(2).toString()).to.equal('dL');
    queue.skip(4998);
    queue.append(bytes('g'));
    expect(queue.take(queue.length).toString()).to.equal('Lefg');
  });

  it('joins held bytes and the next chunk into one range', () => {
    const queue = new ByteQueue();
    queue.append(bytes('abc'));
    expect(queue.peekWith(bytes('def'), 1, 5).toString()).to.equal('bcde');
    expect(queue.peekWith(bytes('def'), 4, 6).toString()).to.equal('ef');
    expect(queue.drainWith(bytes('def'), 0, 4).toString()).to.equal('abcd');
    expect(queue.length).to.equal(0);
  });

  it('never changes a buffer it handed out, when more small bytes arrive after a skip', () => {
    const queue = new ByteQueue();
    queue.append(bytes('ab'));
    const first = queue.take(1);
    queue.append(bytes('cd'));
    queue.append(bytes('ef'));
    expect(first.toString()).to.equal('a');
    expect(queue.take(queue.length).toString()).to.equal('bcdef');
  });

  it('packs byte-at-a-time appends into few pieces', () => {
    const queue = new ByteQueue();
    for (let i = 0; i < 10_000; i += 1) queue.append(Uint8Array.of(i & 0xff));
    const { pieces } = queue as unknown as { pieces: Buffer[] };
    expect(pieces.length).to.be.at.most(3);
    expect([...queue.take(10_000)].every((byte, i) => byte === (i & 0xff))).to.equal(true);
  });
});
