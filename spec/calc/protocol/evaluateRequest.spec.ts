import { expect } from 'chai';
import { evaluateRequest } from '../../../lib/calc/protocol/evaluateRequest.js';
import type { CalcRequest, Operator } from '../../../lib/calc/protocol/types.js';

const request = (op: Operator, a: number, b: number): CalcRequest => ({ op, a, b });

describe('evaluateRequest', () => {
  describe('finite results', () => {
    const cases: ReadonlyArray<readonly [CalcRequest, number]> = [
      [request('+', 1, 2), 3],
      [request('+', 0.1, 0.2), 0.30000000000000004],
      [request('+', -1.5, -2.5), -4],
      [request('-', 1, 3), -2],
      [request('-', 0.3, 0.1), 0.19999999999999998],
      [request('*', 6, 7), 42],
      [request('*', -1.5, 4), -6],
      [request('*', 1e200, 1e-200), 1],
      [request('/', 1, 4), 0.25],
      [request('/', -1, 3), -0.3333333333333333],
      [request('/', 0, 5), 0],
      [request('%', 7, 3), 1],
      [request('%', -7, 3), -1],
      [request('%', 7, -3), 1],
      [request('%', 5.5, 2), 1.5],
      [request('^', 2, 10), 1024],
      [request('^', 2, -1), 0.5],
      [request('^', 0, 0), 1],
      [request('^', -8, 3), -512],
      [request('^', 9, 0.5), 3],
      [request('^', 10, -400), 0],
    ];
    for (const [req, value] of cases) {
      it(`computes ${req.a} ${req.op} ${req.b} = ${value}`, () => {
        expect(evaluateRequest(req)).to.deep.equal({ ok: true, value });
      });
    }
  });

  describe('non-finite results', () => {
    const cases: readonly CalcRequest[] = [
      request('/', 1, 0),
      request('/', -1, 0),
      request('/', 0, 0),
      request('%', 1, 0),
      request('%', 0, 0),
      request('^', 10, 400),
      request('^', -8, 0.5),
      request('^', 0, -1),
      request('*', 1e308, 10),
      request('+', Number.MAX_VALUE, 1e292),
      request('-', -Number.MAX_VALUE, 1e292),
    ];
    for (const req of cases) {
      it(`fails for ${req.a} ${req.op} ${req.b} with a one-line reason`, () => {
        const outcome = evaluateRequest(req);
        expect(outcome.ok).to.equal(false);
        if (outcome.ok) return;
        expect(outcome.reason).to.match(/^[^\r\n]+ has no finite result$/);
      });
    }
  });
});
