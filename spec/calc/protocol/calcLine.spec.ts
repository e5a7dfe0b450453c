import { expect } from 'chai';
import { encodeOutcome } from '../../../lib/calc/protocol/encodeOutcome.js';
import { evaluateRequest } from '../../../lib/calc/protocol/evaluateRequest.js';
import { parseRequest } from '../../../lib/calc/protocol/parseRequest.js';

/** The whole pure protocol: one request line in, one reply text out. */
function reply(line: string): string {
  const parsed = parseRequest(line);
  return encodeOutcome(parsed.ok ? evaluateRequest(parsed.request) : parsed);
}

describe('the calc protocol, from request line to reply', () => {
  describe('results', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['+,1,1', '200,2'],
      ['-,1,3', '200,-2'],
      ['*,6,7', '200,42'],
      ['/,1,4', '200,0.25'],
      ['%,7,3', '200,1'],
      ['^,2,10', '200,1024'],
      ['+,0.1,0.2', '200,0.30000000000000004'],
      ['/,1,3', '200,0.3333333333333333'],
      ['*,-1,0', '200,0'],
      ['-,0,0', '200,0'],
      ['/,-0,1', '200,0'],
      ['%,-4,2', '200,0'],
      ['*,1e21,1', '200,1e+21'],
      ['*,1e20,1', '200,100000000000000000000'],
      ['*,1e-7,1', '200,1e-7'],
      ['/,1,1e6', '200,0.000001'],
      ['*,5e-324,1', '200,5e-324'],
      ['-,-1.5e3,1', '200,-1501'],
      ['^,-2,3', '200,-8'],
      [' * , 2.5 , 4 ', '200,10'],
      ['\t+\t,\t1\t,\t1\t', '200,2'],
      // issue 10: a leading-dot fraction and a trailing dot are numbers
      ['+,.5,.25', '200,0.75'],
      ['*,5.,2', '200,10'],
      ['+,5.e2,0', '200,500'],
      ['-,-.5,+.5e3', '200,-500.5'],
      ['/,1.,.5', '200,2'],
    ];
    for (const [line, expected] of cases) {
      it(`answers ${JSON.stringify(line)} with "${expected}"`, () => {
        expect(reply(line)).to.equal(expected);
      });
    }
  });

  describe('invalid requests and arithmetic errors', () => {
    const cases: readonly string[] = [
      '',
      '+,1',
      '+,1,2,3',
      '+,,2',
      '?,1,2',
      '+,0x10,1',
      '+,Infinity,1',
      '+,NaN,1',
      // issue 10: still not numbers
      '+,.,1',
      '+,+.,1',
      '+,e5,1',
      '+,.e5,1',
      '+,5..,1',
      '+,Infinity,.5',
      '+,1_000,1',
      '+,0x10,.5',
      '+,1e999,1',
      '+,abc,1',
      '+,\uff11,1',
      '+,1 2,3',
      '/,1,0',
      '%,1,0',
      '^,10,400',
      '^,-8,0.5',
      '*,1e308,10',
    ];
    for (const line of cases) {
      it(`answers ${JSON.stringify(line)} with "300,-1"`, () => {
        expect(reply(line)).to.equal('300,-1');
      });
    }
  });
});
