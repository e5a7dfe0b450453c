import { expect } from 'chai';
import { TokenBuckets } from '../../lib/timing/TokenBuckets.js';

describe('TokenBuckets', () => {
  it('allows a burst at once, then refuses until time refills the bucket', () => {
    const buckets = new TokenBuckets({ rate: 10, burst: 3 });
    expect([1, 2, 3, 4].map(() => buckets.take('a', 0))).to.deep.equal([true, true, true, false]);
    expect(buckets.take('a', 50)).to.equal(false); // half a token
    expect(buckets.take('a', 100)).to.equal(true); // one token after 100 ms at 10/s
    expect(buckets.take('a', 100)).to.equal(false);
  });

  it('keeps one bucket per key', () => {
    const buckets = new TokenBuckets({ rate: 1, burst: 1 });
    expect(buckets.take('a', 0)).to.equal(true);
    expect(buckets.take('a', 0)).to.equal(false);
    expect(buckets.take('b', 0)).to.equal(true);
  });

  it('never holds more than the burst, however long a key was quiet', () => {
    const buckets = new TokenBuckets({ rate: 1000, burst: 2 });
    buckets.take('a', 0);
    const taken = Array.from({ length: 5 }, () => buckets.take('a', 60_000)).filter(Boolean).length;
    expect(taken).to.equal(2);
  });

  it('bounds its memory: beyond maxKeys the least recently used key is forgotten', () => {
    const buckets = new TokenBuckets({ rate: 1, burst: 1, maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) buckets.take(key, 0);
    buckets.take('a', 0); // a is now the most recently used
    buckets.take('d', 0); // evicts b
    expect(buckets.size).to.equal(3);
    expect(buckets.take('b', 0), 'b was forgotten, so it starts with a full bucket').to.equal(true);
    expect(buckets.take('a', 0), 'a was kept, and is empty').to.equal(false);
  });
});

describe('TokenBuckets under a flood of forged sources (regression: issue 7 amplification bypass)', () => {
  it('gives a new key one token, not a burst, while the table is full, so cycling sources cannot refill a victim', () => {
    const buckets = new TokenBuckets({ rate: 1, burst: 5, maxKeys: 3 });
    const spent = Array.from({ length: 6 }, () => buckets.take('victim', 0)).filter(Boolean).length;
    expect(spent, 'the victim spends its burst').to.equal(5);
    for (const key of ['a', 'b', 'c', 'd']) buckets.take(key, 0); // evicts the victim
    const again = Array.from({ length: 5 }, () => buckets.take('victim', 0)).filter(Boolean).length;
    expect(again, 'a forgotten victim comes back with one token').to.equal(1);
  });
});
