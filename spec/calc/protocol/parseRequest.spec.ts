import { expect } from 'chai';
import { parseRequest } from '../../../lib/calc/protocol/parseRequest.js';
import type { CalcRequest } from '../../../lib/calc/protocol/types.js';

describe('parseRequest', () => {
  describe('valid requests', () => {
    const cases: ReadonlyArray<readonly [string, CalcRequest]> = [
      // every operator
      ['+,1,2', { op: '+', a: 1, b: 2 }],
      ['-,1,2', { op: '-', a: 1, b: 2 }],
      ['*,6,7', { op: '*', a: 6, b: 7 }],
      ['/,1,4', { op: '/', a: 1, b: 4 }],
      ['%,7,3', { op: '%', a: 7, b: 3 }],
      ['^,2,10', { op: '^', a: 2, b: 10 }],
      // number syntax: sign, fraction, exponent
      ['+,-1,+2', { op: '+', a: -1, b: 2 }],
      ['+,1.5,-0.25', { op: '+', a: 1.5, b: -0.25 }],
      ['+,-1.5e3,2E3', { op: '+', a: -1500, b: 2000 }],
      ['+,1e+2,1e-2', { op: '+', a: 100, b: 0.01 }],
      ['+,007,0', { op: '+', a: 7, b: 0 }],
      ['+,1.7976931348623157e308,5e-324', { op: '+', a: Number.MAX_VALUE, b: 5e-324 }],
      ['+,123456789012345678901234567890,1', { op: '+', a: 1.2345678901234568e29, b: 1 }],
      ['+,1e-400,1', { op: '+', a: 0, b: 1 }],
      // issue 10: a leading-dot fraction and a trailing dot are numbers
      ['+,.5,.25', { op: '+', a: 0.5, b: 0.25 }],
      ['+,-.5,+.5e3', { op: '+', a: -0.5, b: 500 }],
      ['+,5.,-5.', { op: '+', a: 5, b: -5 }],
      ['+,5.e2,5.E-1', { op: '+', a: 500, b: 0.5 }],
      ['+,0.,.0', { op: '+', a: 0, b: 0 }],
      ['+, .5 ,\t5.\t', { op: '+', a: 0.5, b: 5 }],
      // spaces and tabs around any field
      [' + , 1 , 2 ', { op: '+', a: 1, b: 2 }],
      ['\t+\t,\t1\t,\t2\t', { op: '+', a: 1, b: 2 }],
      ['  *,  6,7  ', { op: '*', a: 6, b: 7 }],
      [' \t^ \t, \t2\t ,\t 3 \t', { op: '^', a: 2, b: 3 }],
    ];
    for (const [input, request] of cases) {
      it(`parses ${JSON.stringify(input)}`, () => {
        expect(parseRequest(input)).to.deep.equal({ ok: true, request });
      });
    }

    it('keeps the sign of a negative zero operand', () => {
      const parsed = parseRequest('*,-0,1');
      expect(parsed.ok && Object.is(parsed.request.a, -0)).to.equal(true);
    });
  });

  describe('invalid requests', () => {
    // [input, a fragment of the reason]
    const cases: ReadonlyArray<readonly [string, string]> = [
      // empty line, missing and extra fields
      ['', 'expected three fields OP,A,B'],
      ['   ', 'expected three fields OP,A,B'],
      ['+', 'expected three fields OP,A,B'],
      ['+,1', 'expected three fields OP,A,B'],
      ['+,1,2,3', 'expected three fields OP,A,B'],
      ['+,1,2,', 'expected three fields OP,A,B'],
      ['+;1;2', 'expected three fields OP,A,B'],
      // empty fields
      [',1,2', 'field 1'],
      ['+,,2', 'field 2'],
      ['+,1,', 'field 3'],
      ['+, ,2', 'field 2'],
      ['+,1,\t', 'field 3'],
      // unknown operators
      ['x,1,2', 'field 1: operator must be one of + - * / % ^'],
      ['++,1,2', 'field 1'],
      ['**,2,3', 'field 1'],
      ['plus,1,2', 'field 1'],
      ['0x10,1,2', 'field 1'],
      ['toString,1,2', 'field 1'],
      ['__proto__,1,2', 'field 1'],
      ['constructor,1,2', 'field 1'],
      ['+ +,1,2', 'field 1'],
      // hex, binary, octal, Infinity, NaN
      ['+,0x10,1', 'field 2'],
      ['+,1,0x10', 'field 3'],
      ['+,0b1,1', 'field 2'],
      ['+,0o7,1', 'field 2'],
      ['+,Infinity,1', 'field 2'],
      ['+,-Infinity,1', 'field 2'],
      ['+,1,NaN', 'field 3'],
      // incomplete decimals: a dot needs a digit on at least one side (issue 10)
      ['+,.,1', 'field 2'],
      ['+,+.,1', 'field 2'],
      ['+,1,-.', 'field 3'],
      ['+,.e5,1', 'field 2'],
      ['+,+.e5,1', 'field 2'],
      ['+,5..,1', 'field 2'],
      ['+,..5,1', 'field 2'],
      ['+,.5.,1', 'field 2'],
      ['+,5.e,1', 'field 2'],
      ['+,. 5,1', 'field 2'],
      ['+,5 .,1', 'field 2'],
      ['+,1e,1', 'field 2'],
      ['+,1e.5,1', 'field 2'],
      ['+,e5,1', 'field 2'],
      ['+,1e+,1', 'field 2'],
      ['+,--1,1', 'field 2'],
      ['+,1_000,1', 'field 2'],
      ['+,1.2.3,1', 'field 2'],
      // out of the range of a double
      ['+,1e999,1', 'field 2: number is out of the range of a double'],
      ['+,1,-1e999', 'field 3: number is out of the range of a double'],
      ['+,1.8e308,1', 'field 2: number is out of the range of a double'],
      // letters
      ['+,abc,1', 'field 2'],
      ['+,1a,1', 'field 2'],
      ['+,1,two', 'field 3'],
      // unicode look-alikes
      ['+,\uff11,2', 'field 2'], // fullwidth digit one
      ['+,\u0661,2', 'field 2'], // Arabic-Indic digit one
      ['\uff0b,1,2', 'field 1'], // fullwidth plus sign
      ['\u2212,1,2', 'field 1'], // minus sign
      ['+,\u22121,2', 'field 2'],
      ['+,1\u00a0,2', 'field 2'], // no-break space is not a blank
      // embedded blanks inside a number, and blanks other than space and tab
      ['+,1 2,3', 'field 2'],
      ['+,- 1,2', 'field 2'],
      ['+,1 e3,2', 'field 2'],
      ['+,1\t.5,2', 'field 2'],
      ['+,1,2\r', 'field 3'],
      ['+,1,2\n', 'field 3'],
      ['+,\v1,2', 'field 2'],
      ['+,1\n,2', 'field 2'],
    ];
    for (const [input, reason] of cases) {
      it(`rejects ${JSON.stringify(input)} with a one-line reason mentioning "${reason}"`, () => {
        const parsed = parseRequest(input);
        expect(parsed.ok).to.equal(false);
        if (parsed.ok) return;
        expect(parsed.reason).to.include(reason);
        expect(parsed.reason).to.match(/^[^\r\n]+$/);
      });
    }

    it('names every bad field in one line', () => {
      expect(parseRequest(',x,')).to.deep.equal({
        ok: false,
        reason:
          'field 1: operator must be one of + - * / % ^; ' +
          'field 2: expected a decimal number such as 12, -1.5 or 2e3; ' +
          'field 3: expected a decimal number such as 12, -1.5 or 2e3',
      });
    });

    const odd: ReadonlyArray<readonly [string, string, boolean]> = [
      ['a 100,000-digit number', `+,1,${'9'.repeat(100_000)}`, false],
      ['a 300-digit number', `+,1,${'9'.repeat(300)}`, true],
      ['NUL bytes', '\u0000,\u0000,\u0000', false],
      ['a lone surrogate', '\ud800,1,2', false],
      ['10,000 commas', ','.repeat(10_000), false],
    ];
    for (const [what, input, ok] of odd) {
      it(`returns a value for ${what}, never throws`, () => {
        const parsed = parseRequest(input);
        expect(parsed.ok).to.equal(ok);
        if (!parsed.ok) expect(parsed.reason).to.match(/^[^\r\n]+$/);
      });
    }
  });
});
