import { expect } from 'chai';
import { bandwidth } from '../../../lib/proxy/toxics/bandwidth.js';
import { marbleScheduler } from './marbleKit.js';

describe('bandwidth (toxic)', () => {
  it('lets a chunk of n bytes go n / rate ms after it starts (rate in KB/s = bytes/ms)', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const values = { a: Buffer.alloc(4, 1), b: Buffer.alloc(2, 2) };
      const source = cold(' (ab)--|', values);
      const subs = '        ^-----!';
      // rate 1: a (4 bytes) at 4, b (2 bytes) at 6; completion waits for the queue
      expectObservable(source.pipe(bandwidth({ rate: 1 }))).toBe('----a-(b|)', values);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('earns no credit while idle', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const values = { a: Buffer.alloc(2), b: Buffer.alloc(2) };
      expectObservable(cold(' a-------b-|', values).pipe(bandwidth({ rate: 1 }))).toBe('--a-------(b|)', values);
    });
  });

  it('cuts a chunk bigger than 100 ms worth into pieces of rate * 100 bytes, one every 100 ms', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const big = Buffer.from(Array.from({ length: 250 }, (_, i) => i));
      const values = { a: big, x: big.subarray(0, 100), y: big.subarray(100, 200), z: big.subarray(200) };
      expectObservable(cold(' a|', values).pipe(bandwidth({ rate: 1 }))).toBe('100ms x 99ms y 49ms (z|)', values);
    });
  });

  it('passes everything at once with rate 0 (no limit)', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const values = { a: Buffer.alloc(1000) };
      expectObservable(cold(' a-|', values).pipe(bandwidth({ rate: 0 }))).toBe('a-|', values);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const values = { a: Buffer.alloc(3) };
      const source = cold(' a-a-a-|', values);
      expectObservable(source.pipe(bandwidth({ rate: 1 })), '^-!').toBe('--', values);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('rejects a negative rate', () => {
    expect(() => bandwidth({ rate: -5 })).to.throw('Invalid rate "-5" (expected a number >= 0)');
  });
});
