import { expect } from 'chai';
import fc from 'fast-check';
import { map, pipe } from 'rxjs';
import { answerRequestLine } from '../../lib/calc/protocol/answerRequestLine.js';
import { calcPipeline } from '../../lib/calc/server/calcPipeline.js';
import { fusedReplyEncoding, withFusedStep } from '../../lib/server/fusedStep.js';

describe('fusedReplyEncoding (the fused path writes promised-ASCII replies as Latin-1)', () => {
  it('is latin1 for calcPipeline, whose step promises ASCII replies, and utf8 for any other pipeline', () => {
    const echo = map((frame: unknown) => String(frame));
    expect(fusedReplyEncoding(calcPipeline())).to.equal('latin1');
    expect(fusedReplyEncoding(calcPipeline({ success: 0.5, transport: 'udp' }))).to.equal('latin1');
    expect(fusedReplyEncoding(withFusedStep(echo, (frame) => String(frame))), 'no promise').to.equal('utf8');
    expect(fusedReplyEncoding(pipe(echo, calcPipeline())), 'calcPipeline inside a pipe runs through RxJS').to.equal('utf8');
  });

  it('keeps its promise: every calc reply is ASCII, whatever the request line (so Latin-1 writes the same bytes as UTF-8)', () => {
    const line = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.tuple(fc.constantFrom('+', '-', '*', '/', '%', '^', 'x'), fc.double(), fc.double()).map(([op, a, b]) => `${op},${a},${b}`),
    );
    fc.assert(
      fc.property(line, (text) => {
        const reply = answerRequestLine(text);
        expect(Buffer.from(`${reply}\n`, 'latin1').equals(Buffer.from(`${reply}\n`, 'utf8')), reply).to.equal(true);
      }),
      { numRuns: 2000 },
    );
  });
});
