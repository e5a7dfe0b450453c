import { expect } from 'chai';
import { WindowedSum } from '../../lib/policies/WindowedSum.js';

describe('WindowedSum', () => {
  it('sums what was added in the window', () => {
    const sum = new WindowedSum(1000, 10);
    sum.add(1, 0);
    sum.add(2, 150);
    sum.add(-1, 999);
    expect(sum.sum(999)).to.equal(2);
  });

  it('forgets a slice once the window has moved past it', () => {
    const sum = new WindowedSum(1000, 10);
    sum.add(5, 50); // slice 0: [0, 100)
    sum.add(7, 120); // slice 1
    expect(sum.sum(999), 'slice 0 still in the window').to.equal(12);
    expect(sum.sum(1000), 'slice 0 expired').to.equal(7);
    expect(sum.sum(1100), 'both expired').to.equal(0);
  });

  it('reuses a ring position for a new slice without keeping the old value', () => {
    const sum = new WindowedSum(1000, 10);
    sum.add(5, 50);
    sum.add(1, 1050); // the same ring position, ten slices later
    expect(sum.sum(1050)).to.equal(1);
  });

  it('forgets everything on reset', () => {
    const sum = new WindowedSum(1000, 10);
    sum.add(5, 50);
    sum.reset();
    expect(sum.sum(60)).to.equal(0);
  });
});
