import { expect } from 'chai';
import fc from 'fast-check';
import { from } from 'rxjs';
import { encodeRequest } from '../../lib/calc/protocol/encodeRequest.js';
import { OPERATORS } from '../../lib/calc/protocol/types.js';
import { splitLines } from '../../lib/operators/splitLines.js';
import { splitMessages } from '../../lib/operators/splitMessages.js';
import { calcPipeline } from '../../lib/calc/server/calcPipeline.js';
import { check, finiteDouble } from './fastCheck.js';
import { OVERLONG, referenceLines, referenceMessage, referenceReply } from './reference.js';

const MAX = 1024;

/** Runs chunks through an operator chain synchronously; returns what it emitted and how it ended. */
function run(chunks: readonly Uint8Array[], framing: 'lines' | 'messages'): { replies: string[]; ended: string } {
  const replies: string[] = [];
  let ended = 'not ended';
  const frame = framing === 'lines' ? splitLines({ maxLineLength: MAX }) : splitMessages({ maxLength: MAX });
  from(chunks)
    .pipe(frame, calcPipeline())
    .subscribe({
      next: (reply) => replies.push(reply),
      error: (err: unknown) => (ended = `error: ${String(err)}`),
      complete: () => (ended = 'complete'),
    });
  return { replies, ended };
}

/** Chunks of random bytes, with many newlines, CRs, commas, digits and operator characters. */
const hostileChunks = (): fc.Arbitrary<Uint8Array[]> =>
  fc.array(
    fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.array(fc.constantFrom(...Buffer.from('\n\r,.-+e*/%^0123456789 \t\u00ff')), { maxLength: 64 }).map((b) => Uint8Array.from(b)),
      fc.integer({ min: MAX - 2, max: MAX * 3 }).map((n) => new Uint8Array(n).fill(0x31)),
      fc.record({ op: fc.constantFrom(...OPERATORS), a: finiteDouble(), b: finiteDouble() }).map((r) => Buffer.from(`${encodeRequest(r)}\n`)),
    ),
    { maxLength: 16 },
  );

const REPLY = /^(200,-?\d+(\.\d+)?(e[+-]\d+)?|300,-1)$/;

describe('property: random bytes through the server pipeline', () => {
  it('splitLines + calcPipeline never errors, completes, and answers each line exactly once, correctly', () => {
    check(
      fc.property(hostileChunks(), (chunks) => {
        const { replies, ended } = run(chunks, 'lines');
        expect(ended).to.equal('complete');
        const lines = referenceLines(Buffer.concat(chunks), MAX);
        expect(replies).to.have.length(lines.length);
        replies.forEach((reply, i) => {
          expect(reply).to.match(REPLY);
          const line = lines[i];
          expect(reply, JSON.stringify(line)).to.equal(line === OVERLONG || line === undefined ? '300,-1' : referenceReply(line));
        });
      }),
      400,
    );
  });

  it('splitMessages + calcPipeline answers every datagram exactly once, correctly', () => {
    check(
      fc.property(hostileChunks(), (datagrams) => {
        const { replies, ended } = run(datagrams, 'messages');
        expect(ended).to.equal('complete');
        expect(replies).to.deep.equal(
          datagrams.map((d) => {
            const message = referenceMessage(d, MAX);
            return message === OVERLONG ? '300,-1' : referenceReply(message);
          }),
        );
      }),
      400,
    );
  });
});
