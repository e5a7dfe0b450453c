import { expect } from 'chai';
import { fullJitter, proportionalJitter, symmetricJitter, type Jitter } from '../../../lib/policies/backoff/Jitter.js';
import { expectInvalidOption } from '../helpers.js';

const JUST_BELOW_1 = 1 - Number.EPSILON;

/** 1000 draws of Math.random through `jitter` over a wait of 1000 ms. */
function draws(jitter: Jitter): number[] {
  return Array.from({ length: 1000 }, () => jitter(1000, Math.random));
}

describe('Jitter', () => {
  describe('fullJitter', () => {
    it('maps the random range [0, 1) onto [0, wait)', () => {
      expect(fullJitter(1000, () => 0)).to.equal(0);
      expect(fullJitter(1000, () => 0.25)).to.equal(250);
      expect(fullJitter(1000, () => JUST_BELOW_1)).to.be.below(1000);
    });

    it('is sane: 1000 draws lie in [0, wait) and spread over it', () => {
      const all = draws(fullJitter);
      expect(Math.min(...all)).to.be.at.least(0).and.below(100);
      expect(Math.max(...all)).to.be.below(1000).and.above(900);
    });
  });

  describe('symmetricJitter', () => {
    it('maps the random range onto [wait * (1 - f), wait * (1 + f)] and keeps the mean', () => {
      expect(symmetricJitter(0.2)(1000, () => 0)).to.equal(800);
      expect(symmetricJitter(0.2)(1000, () => 0.5)).to.equal(1000);
      expect(symmetricJitter(0.2)(1000, () => JUST_BELOW_1)).to.be.at.most(1200).and.closeTo(1200, 1e-9);
    });

    it('is sane: 1000 draws lie within 20 % of the wait and spread both ways', () => {
      const all = draws(symmetricJitter(0.2));
      expect(Math.min(...all)).to.be.at.least(800).and.below(820);
      expect(Math.max(...all)).to.be.at.most(1200).and.above(1180);
    });

    it('returns the wait unchanged with a fraction of 0', () => {
      expect(symmetricJitter(0)(1000, () => 0.9)).to.equal(1000);
    });
  });

  describe('proportionalJitter', () => {
    it('only ever shortens: [wait * (1 - f), wait]', () => {
      expect(proportionalJitter(0.5)(1000, () => 0)).to.equal(1000);
      expect(proportionalJitter(0.5)(1000, () => 0.5)).to.equal(750);
      const all = draws(proportionalJitter(0.5));
      expect(Math.min(...all)).to.be.at.least(500).and.below(550);
      expect(Math.max(...all)).to.be.at.most(1000).and.above(950);
    });
  });

  it('rejects a fraction outside [0, 1] at once', () => {
    expectInvalidOption(() => symmetricJitter(1.5), 'Invalid jitter "1.5" (expected a number from 0 to 1)');
    expectInvalidOption(() => proportionalJitter(-0.1), 'Invalid jitter "-0.1" (expected a number from 0 to 1)');
  });
});
