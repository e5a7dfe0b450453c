import { expect } from 'chai';
import { MAX_MX } from '../../lib/discovery/SsdpMessage.js';
import { searchResponseDelay } from '../../lib/discovery/searchResponseDelay.js';

describe('searchResponseDelay', () => {
  it('is random() of MX seconds, in whole milliseconds', () => {
    expect(searchResponseDelay(2, () => 0.5)).to.equal(1000);
    expect(searchResponseDelay(3, () => 0.1234)).to.equal(370);
    expect(searchResponseDelay(1, () => 0)).to.equal(0);
  });

  it('stays below MX seconds for random numbers just under 1', () => {
    expect(searchResponseDelay(1, () => 0.99999)).to.equal(999);
  });

  it(`caps MX at ${MAX_MX} seconds, as UPnP 1.1 asks`, () => {
    expect(searchResponseDelay(120, () => 0.5)).to.equal(2500);
    expect(searchResponseDelay(120, () => 0.99999)).to.be.below(MAX_MX * 1000);
  });

  it('answers at once a search without MX (a unicast search) or with MX 0', () => {
    let calls = 0;
    const random = () => ((calls += 1), 0.5);
    expect(searchResponseDelay(undefined, random)).to.equal(0);
    expect(searchResponseDelay(0, random)).to.equal(0);
    expect(calls).to.equal(0);
  });

  it('stays within [0, MX) for Math.random (1000 draws)', () => {
    for (let i = 0; i < 1000; i += 1) expect(searchResponseDelay(2)).to.be.within(0, 1999);
  });
});
