import { expect } from 'chai';
import { matchRequest, parseRequest } from '../../../lib/calc/protocol/parseRequest.js';
import { requestSchema } from '../../../lib/calc/protocol/requestSchema.js';

const LINES = ['+,1,1', ' * , 6 , 7 ', '^,2,-.5e3', '/,1,0', '-,1e308,-1e308', '+,1e309,1', '+,1,1,1', 'x', '', '+,,1', '+,0x10,1', '%,5.,.5', '+,1,Infinity', '\t+\t,\t1\t,\t2\t', '+,1,1\r', 'é,1,1'];

describe('matchRequest, the fast path of parseRequest (issue 12)', () => {
  for (const line of LINES) {
    it(`agrees with the zod schema on ${JSON.stringify(line)}`, () => {
      const zod = requestSchema.safeParse(line);
      expect(matchRequest(line)).to.deep.equal(zod.success ? zod.data : undefined);
      expect(parseRequest(line).ok).to.equal(zod.success);
    });
  }

  it('leaves the reason of a rejection to zod', () => {
    const parsed = parseRequest('+,x,1');
    expect(parsed.ok ? '' : parsed.reason).to.match(/^field 2: /);
  });
});
