import { expect } from 'chai';
import fc from 'fast-check';
import { answerRequestLine } from '../../../lib/calc/protocol/answerRequestLine.js';
import { encodeOutcome, ERROR_REPLY } from '../../../lib/calc/protocol/encodeOutcome.js';
import { evaluateRequest, operate } from '../../../lib/calc/protocol/evaluateRequest.js';
import { parseRequest } from '../../../lib/calc/protocol/parseRequest.js';
import { OPERATORS } from '../../../lib/calc/protocol/types.js';
import { check, finiteDouble } from '../../property/fastCheck.js';

/** What the three separate functions answer: parse, evaluate, encode. */
const threeSteps = (line: string): string => {
  const parsed = parseRequest(line);
  return parsed.ok ? encodeOutcome(evaluateRequest(parsed.request)) : ERROR_REPLY;
};

const EXAMPLES: ReadonlyArray<readonly [string, string]> = [
  ['+,1,2', '200,3'],
  [' * , 6 ,\t7 ', '200,42'],
  ['/,1,4', '200,0.25'],
  ['+,0.1,0.2', '200,0.30000000000000004'],
  ['-,0,0', '200,0'],
  ['*,-1,0', '200,0'], // -0 is written 0
  ['^,2,-.5e1', '200,0.03125'],
  ['/,1,0', ERROR_REPLY],
  ['%,1,0', ERROR_REPLY],
  ['^,-8,0.5', ERROR_REPLY],
  ['*,1e308,10', ERROR_REPLY],
  ['^,1e999,0', ERROR_REPLY], // an operand out of range fails even where the result would be finite
  ['+,1,1,1', ERROR_REPLY],
  ['+,0x10,1', ERROR_REPLY],
  ['x', ERROR_REPLY],
  ['', ERROR_REPLY],
  ['é,1,1', ERROR_REPLY],
];

describe('answerRequestLine, the fused step of the calc protocol (issue 12)', () => {
  for (const [line, reply] of EXAMPLES) {
    it(`answers ${JSON.stringify(line)} with ${reply}, as parse, evaluate and encode do`, () => {
      expect(answerRequestLine(line)).to.equal(reply);
      expect(threeSteps(line)).to.equal(reply);
    });
  }

  it('agrees with parse, evaluate and encode on any line over the protocol alphabet', () => {
    const line = fc.string({ unit: fc.constantFrom(...'+-*/%^,.eE0123456789 \tx'), maxLength: 24 });
    check(
      fc.property(line, (text) => answerRequestLine(text) === threeSteps(text)),
      3000,
    );
  });

  it('agrees with them on every operator over any pair of finite doubles', () => {
    check(
      fc.property(fc.constantFrom(...OPERATORS), finiteDouble(), finiteDouble(), (op, a, b) => {
        const text = `${op},${a},${b}`;
        return answerRequestLine(text) === threeSteps(text);
      }),
      2000,
    );
  });

  it('operate applies each operator as IEEE doubles do', () => {
    expect(OPERATORS.map((op) => operate(op, 7, 2))).to.deep.equal([9, 5, 14, 3.5, 1, 49]);
    expect(operate('/', 1, 0)).to.equal(Infinity);
  });
});
