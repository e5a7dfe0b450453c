import { expect } from 'chai';
import { ERROR_REPLY, encodeOutcome, formatNumber } from '../../../lib/calc/protocol/encodeOutcome.js';
import type { CalcOutcome } from '../../../lib/calc/protocol/types.js';

describe('formatNumber', () => {
  const cases: ReadonlyArray<readonly [number, string]> = [
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-1, '-1'],
    [42, '42'],
    [0.5, '0.5'],
    [-0.5, '-0.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1 / 3, '0.3333333333333333'],
    [2 ** 53, '9007199254740992'],
    [1e20, '100000000000000000000'],
    [1e21, '1e+21'],
    [-1e21, '-1e+21'],
    [1.5e300, '1.5e+300'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [-1.5e-7, '-1.5e-7'],
    [5e-324, '5e-324'],
  ];
  for (const [value, text] of cases) {
    it(`formats ${Object.is(value, -0) ? '-0' : value} as "${text}"`, () => {
      expect(formatNumber(value)).to.equal(text);
    });
  }
});

describe('encodeOutcome', () => {
  const cases: ReadonlyArray<readonly [CalcOutcome, string]> = [
    [{ ok: true, value: 2 }, '200,2'],
    [{ ok: true, value: -2 }, '200,-2'],
    [{ ok: true, value: -0 }, '200,0'],
    [{ ok: true, value: 0.1 + 0.2 }, '200,0.30000000000000004'],
    [{ ok: true, value: 1e21 }, '200,1e+21'],
    [{ ok: true, value: 1e-7 }, '200,1e-7'],
    [{ ok: false, reason: '1 / 0 has no finite result' }, '300,-1'],
    [{ ok: false, reason: 'expected three fields OP,A,B' }, '300,-1'],
  ];
  for (const [outcome, text] of cases) {
    it(`encodes ${JSON.stringify(outcome)} as "${text}"`, () => {
      expect(encodeOutcome(outcome)).to.equal(text);
    });
  }

  it('encodes every failure as ERROR_REPLY, "300,-1"', () => {
    expect(ERROR_REPLY).to.equal('300,-1');
  });
});
