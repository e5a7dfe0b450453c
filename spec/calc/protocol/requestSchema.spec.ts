import { expect } from 'chai';
import fc from 'fast-check';
import { requestFieldsSchema, requestSchema } from '../../../lib/calc/protocol/requestSchema.js';
import { check } from '../../property/fastCheck.js';

/** Lines near the grammar: operators, numbers, blanks, commas and a few stray characters. */
const nearlyRequests = fc
  .array(fc.constantFrom('+', '-', '*', '/', '%', '^', '1', '0', '9', '.', 'e', 'E', ',', ' ', '\t', 'x', '5', '-', '+', '\r'), {
    maxLength: 14,
  })
  .map((chars) => chars.join(''));

const wellFormed = fc
  .tuple(
    fc.constantFrom('+', '-', '*', '/', '%', '^'),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom('', ' ', '\t', ' \t '),
  )
  .map(([op, a, b, blank]) => `${blank}${op}${blank},${blank}${String(a)}${blank},${blank}${String(b)}${blank}`);

/** Numbers around a dot: a sign, digits or none, a dot or none, digits or none, an exponent or none (field 3 swaps the digits). */
const dotted = fc
  .tuple(
    fc.constantFrom('+', '-', '*'),
    fc.constantFrom('', '+', '-'),
    fc.constantFrom('', '0', '5', '12'),
    fc.constantFrom('', '.', '..'),
    fc.constantFrom('', '0', '5', '25'),
    fc.constantFrom('', 'e2', 'E-1', 'e', 'e+'),
    fc.constantFrom('', ' ', '\t'),
  )
  .map(([op, sign, int, dot, frac, exp, blank]) => `${op},${blank}${sign}${int}${dot}${frac}${exp}${blank},${sign}${frac}${dot}${int}${exp}`);

describe('requestSchema and requestFieldsSchema', () => {
  it('accept exactly the same lines, with the same values (the fast one-regex grammar is the field grammar)', () => {
    check(
      fc.property(fc.oneof(nearlyRequests, wellFormed, dotted, fc.string({ maxLength: 20 })), (line) => {
        const fast = requestSchema.safeParse(line);
        const fields = requestFieldsSchema.safeParse(line);
        expect(fast.success, JSON.stringify(line)).to.equal(fields.success);
        if (fast.success && fields.success) expect(fast.data).to.deep.equal(fields.data);
      }),
      3000,
    );
  });

  it('issue 10: both accept .5, -.5, +.5e3, 5. and 5.e2, with the same values', () => {
    for (const line of ['+,.5,-.5', '+,+.5e3,5.', '+,5.e2,0']) {
      const fast = requestSchema.safeParse(line);
      expect(fast.success, line).to.equal(true);
      expect(requestFieldsSchema.safeParse(line)).to.deep.equal(fast);
    }
  });

  it('issue 10: both reject ., +., e5 and .e5', () => {
    for (const line of ['+,.,1', '+,1,+.', '+,e5,1', '+,.e5,1']) {
      expect(requestSchema.safeParse(line).success, line).to.equal(false);
      expect(requestFieldsSchema.safeParse(line).success, line).to.equal(false);
    }
  });

  it('rejects a number out of the range of a double in both', () => {
    expect(requestSchema.safeParse('+,1e999,1').success).to.equal(false);
    expect(requestFieldsSchema.safeParse('+,1e999,1').success).to.equal(false);
  });
});
