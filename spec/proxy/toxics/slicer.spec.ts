import { expect } from 'chai';
import { sliceLengths, slicer } from '../../../lib/proxy/toxics/slicer.js';
import { chunks, marbleScheduler, rolls } from './marbleKit.js';

describe('slicer (toxic)', () => {
  describe('sliceLengths', () => {
    it('halves evenly until a slice is within the variation of the average', () => {
      expect(sliceLengths(100, 25, 0, rolls())).to.deep.equal([25, 25, 25, 25]);
      expect(sliceLengths(10, 20, 0, rolls())).to.deep.equal([10]);
    });

    it('moves each cut by a roll in [-variation, variation)', () => {
      // 10 bytes, average 2, variation 2: cut at 5 + (floor(0.75 * 4) - 2) = 6; [0, 6) at 3 - 2 = 1;
      // [1, 6) at 3 + 0 = 3; [0, 1), [1, 3), [3, 6) and [6, 10) are within 2 of the average
      expect(sliceLengths(10, 2, 2, rolls(0.75, 0, 0.5))).to.deep.equal([1, 2, 3, 4]);
    });

    it('never loops on an average size of 0 (taken as 1)', () => {
      expect(sliceLengths(3, 0, 0, rolls())).to.deep.equal([1, 1, 1]);
    });
  });

  it('lets one slice go every delay µs, and the next chunk starts a delay after the last slice', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' (ab)|', chunks({ a: 'wxyz', b: 'pq' }));
      const subs = '        ^---!';
      const out = chunks({ w: 'w', x: 'x', y: 'y', z: 'z', p: 'p', q: 'q' });
      // average 1, delay 2000 µs = 2 ms: w x y z at 0 2 4 6; p q at 8 10; completion 2 ms later
      expectObservable(source.pipe(slicer({ averageSize: 1, delay: 2000 }))).toBe('w-x-y-z-p-q-|', out);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' a---|', chunks({ a: 'xyz' }));
      expectObservable(source.pipe(slicer({ averageSize: 1, delay: 2000 })), '^--!').toBe('x-y', chunks({ x: 'x', y: 'y' }));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
