import { expect } from 'chai';
import { encodeRequest } from '../../../lib/calc/protocol/encodeRequest.js';
import { parseRequest } from '../../../lib/calc/protocol/parseRequest.js';
import type { CalcRequest } from '../../../lib/calc/protocol/types.js';

describe('encodeRequest', () => {
  const cases: ReadonlyArray<readonly [CalcRequest, string]> = [
    [{ op: '+', a: 1, b: 1 }, '+,1,1'],
    [{ op: '-', a: -1.5, b: 2 }, '-,-1.5,2'],
    [{ op: '*', a: 1e21, b: 1e-7 }, '*,1e+21,1e-7'],
    [{ op: '/', a: -0, b: 3 }, '/,0,3'],
    [{ op: '%', a: 0.1, b: 0.30000000000000004 }, '%,0.1,0.30000000000000004'],
    [{ op: '^', a: 2, b: 10 }, '^,2,10'],
    // issue 10: a server accepts .5 and 5., but the encoder still prints String(n)'s form
    [{ op: '+', a: 0.5, b: 5 }, '+,0.5,5'],
  ];
  for (const [request, text] of cases) {
    it(`encodes ${JSON.stringify(request)} as "${text}"`, () => {
      expect(encodeRequest(request)).to.equal(text);
    });
  }

  for (const [request] of cases) {
    it(`round-trips ${JSON.stringify(request)} through parseRequest`, () => {
      const expected = { ...request, a: request.a === 0 ? 0 : request.a };
      expect(parseRequest(encodeRequest(request))).to.deep.equal({ ok: true, request: expected });
    });
  }
});
