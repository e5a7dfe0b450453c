import { expect } from 'chai';
import fc from 'fast-check';
import { requestFieldsSchema, requestSchema } from '../../lib/protocol/requestSchema.js';
import { check } from '../property/fastCheck.js';

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

describe('requestSchema and requestFieldsSchema', () => {
  it('accept exactly the same lines, with the same values (the fast one-regex grammar is the field grammar)', () => {
    check(
      fc.property(fc.oneof(nearlyRequests, wellFormed, fc.string({ maxLength: 20 })), (line) => {
        const fast = requestSchema.safeParse(line);
        const fields = requestFieldsSchema.safeParse(line);
        expect(fast.success, JSON.stringify(line)).to.equal(fields.success);
        if (fast.success && fields.success) expect(fast.data).to.deep.equal(fields.data);
      }),
      3000,
    );
  });

  it('rejects a number out of the range of a double in both', () => {
    expect(requestSchema.safeParse('+,1e999,1').success).to.equal(false);
    expect(requestFieldsSchema.safeParse('+,1e999,1').success).to.equal(false);
  });
});
