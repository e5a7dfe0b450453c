import { expect } from 'chai';
import { parseReply } from '../../../lib/calc/protocol/parseReply.js';
import type { CalcReply } from '../../../lib/calc/protocol/types.js';

describe('parseReply', () => {
  describe('valid replies', () => {
    const cases: ReadonlyArray<readonly [string, CalcReply]> = [
      ['200,2', { code: 200, value: 2, text: '200,2' }],
      ['200,2\n', { code: 200, value: 2, text: '200,2' }],
      ['200,2\r\n', { code: 200, value: 2, text: '200,2' }],
      [' 200,2 \t', { code: 200, value: 2, text: '200,2' }],
      ['300,-1', { code: 300, value: -1, text: '300,-1' }],
      ['300,-1\n', { code: 300, value: -1, text: '300,-1' }],
      ['200,1e+21', { code: 200, value: 1e21, text: '200,1e+21' }],
      ['200,1e-7', { code: 200, value: 1e-7, text: '200,1e-7' }],
      ['200,-1.5e-7', { code: 200, value: -1.5e-7, text: '200,-1.5e-7' }],
      ['200,-0.5', { code: 200, value: -0.5, text: '200,-0.5' }],
      ['200,0.30000000000000004', { code: 200, value: 0.30000000000000004, text: '200,0.30000000000000004' }],
      ['200,5e-324', { code: 200, value: 5e-324, text: '200,5e-324' }],
      ['200,1.7976931348623157e+308', { code: 200, value: Number.MAX_VALUE, text: '200,1.7976931348623157e+308' }],
      // issue 10: RESULT follows the request's number rule (sign, dots, E)
      ['200,.5', { code: 200, value: 0.5, text: '200,.5' }],
      ['200,-.5e-3', { code: 200, value: -0.0005, text: '200,-.5e-3' }],
      ['200,1.', { code: 200, value: 1, text: '200,1.' }],
      ['200,5.e2', { code: 200, value: 500, text: '200,5.e2' }],
      ['200,+2', { code: 200, value: 2, text: '200,+2' }],
      ['200,1E5', { code: 200, value: 1e5, text: '200,1E5' }],
    ];
    for (const [text, reply] of cases) {
      it(`accepts ${JSON.stringify(text)}`, () => {
        expect(parseReply(text)).to.deep.equal({ ok: true, reply });
      });
    }
  });

  describe('garbage', () => {
    const cases: readonly string[] = [
      '',
      '\n',
      '200',
      '200,',
      '200,abc',
      '200,2abc',
      '200,0x10',
      '200,Infinity',
      '200,-Infinity',
      '200,NaN',
      '200,.',
      '200,+.',
      '200,-.',
      '200,e5',
      '200,.e5',
      '200,1..',
      '200,1_000',
      '200,--2',
      '200, 2',
      '200,2,3',
      '300,5',
      '300,1',
      '300,',
      '404,1',
      '2000,1',
      '20,1',
      'OK',
      '200,2\n200,3',
      '200,2\n300,-1\n',
      '200,\uff12',
      '\n200,2', // only a trailing newline is allowed
      '\u00a0200,2', // only spaces and tabs count as blanks
      '200,2\v',
    ];
    for (const text of cases) {
      it(`rejects ${JSON.stringify(text)} with a one-line reason`, () => {
        const parsed = parseReply(text);
        expect(parsed.ok).to.equal(false);
        if (parsed.ok) return;
        expect(parsed.reason).to.equal(`${JSON.stringify(text)}: expected a reply 200,NUMBER or 300,-1`);
        expect(parsed.reason).to.match(/^[^\r\n]+$/);
      });
    }

    it('quotes at most 40 characters of the garbage in its reason', () => {
      const text = 'x'.repeat(1000);
      const parsed = parseReply(text);
      expect(parsed).to.deep.equal({
        ok: false,
        reason: `"${'x'.repeat(40)}": expected a reply 200,NUMBER or 300,-1`,
      });
    });
  });
});
