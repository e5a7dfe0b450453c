import { expect } from 'chai';
import fc from 'fast-check';
import { isOverlong, overlong, type Frame } from '../../lib/framing/Frame.js';
import { LineDecoder } from '../../lib/framing/LineDecoder.js';
import { decodeMessage } from '../../lib/framing/decodeMessage.js';
import { cutAt as chunk } from '../framing/decodeAll.js';
import { check } from './fastCheck.js';
import { OVERLONG, referenceLines, referenceMessage, type ReferenceFrame } from './reference.js';

/** The limit the framing properties use: small, so over-long lines are common. */
const MAX = 16;

const toReference = (frame: Frame): ReferenceFrame => (isOverlong(frame) ? OVERLONG : frame);

/**
 * A stream of lines built to hit the framer's edges: empty lines, CRLF, lone CRs, multi-byte
 * characters, lines just under, at and over the limit (with and without CR), very long lines,
 * and sometimes an unterminated last line.
 */
const lineStream = (): fc.Arbitrary<Uint8Array> =>
  fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.oneof(
            fc.string({ maxLength: 8 }),
            fc.constantFrom('', '+,1,1', 'é€', '\r', 'a\rb', '\r\r'),
            fc.integer({ min: MAX - 2, max: MAX + 3 }).map((n) => 'x'.repeat(n)),
            fc.integer({ min: MAX * 2, max: MAX * 40 }).map((n) => '7'.repeat(n)),
            fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('latin1').replace(/\n/g, '')),
          ),
          fc.constantFrom('\n', '\n', '\r\n'),
        ),
        { maxLength: 12 },
      ),
      fc.oneof(fc.constant(''), fc.constant(''), fc.string({ maxLength: 20 }), fc.constantFrom('tail\r', 'x'.repeat(MAX + 1), '\r')),
    )
    .map(([lines, tail]) => Buffer.from(lines.map(([line, end]) => line + end).join('') + tail, 'utf8'));

/** Random bytes, newlines and CRs often. */
const byteStream = (): fc.Arbitrary<Uint8Array> =>
  fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x0a, 0x0d, 0x0a)), { maxLength: 300 }).map((bytes) => Uint8Array.from(bytes));

/** Cut points for a stream: sorted offsets, repeats allowed (empty chunks). */
const cuts = (): fc.Arbitrary<number[]> => fc.array(fc.nat(), { maxLength: 40 });

/** Feeds every chunk to a fresh decoder, then ends it; checks the memory bound after each push. */
function decodeChunks(chunks: readonly Uint8Array[], max = MAX): ReferenceFrame[] {
  const decoder = new LineDecoder(max);
  const frames: Frame[] = [];
  for (const piece of chunks) {
    frames.push(...decoder.push(piece));
    const { pendingLength } = decoder as unknown as { pendingLength: number };
    if (pendingLength > max + 1) throw new Error(`holds ${pendingLength} bytes of an unfinished line, over ${max + 1}`);
  }
  frames.push(...decoder.end());
  expect(decoder.end(), 'a second end() yields nothing').to.deep.equal([]);
  return frames.map(toReference);
}

describe('property: framing', () => {
  describe('LineDecoder', () => {
    it('yields the reference frames for any stream of edge-case lines, whatever the chunk boundaries', () => {
      check(
        fc.property(lineStream(), cuts(), (stream, points) => {
          expect(decodeChunks(chunk(stream, points))).to.deep.equal(referenceLines(stream, MAX));
        }),
        800,
      );
    });

    it('yields the reference frames for random bytes, whatever the chunk boundaries', () => {
      check(
        fc.property(byteStream(), cuts(), (stream, points) => {
          expect(decodeChunks(chunk(stream, points))).to.deep.equal(referenceLines(stream, MAX));
        }),
        800,
      );
    });

    it('yields the same frames byte by byte as in one chunk', () => {
      check(
        fc.property(lineStream(), (stream) => {
          const bytes = [...stream].map((byte) => Uint8Array.of(byte));
          expect(decodeChunks(bytes)).to.deep.equal(decodeChunks([stream]));
        }),
        60,
      );
    });

    it('reports each over-long line once, as soon as it passes the limit, and frames the rest as usual', () => {
      check(
        fc.property(fc.integer({ min: MAX + 2, max: MAX * 64 }), fc.stringMatching(/^[+*],\d{1,3},\d{1,3}$/), (length, next) => {
          const decoder = new LineDecoder(MAX);
          const early = decoder.push(Buffer.alloc(length, '9'));
          expect(early, 'before its newline arrived').to.deep.equal([overlong(MAX)]);
          expect(decoder.push(Buffer.from(`9999\n${next}\n`))).to.deep.equal([next]);
        }),
        200,
      );
    });
  });

  describe('decodeMessage', () => {
    it('decodes any message as the reference does, at any limit', () => {
      check(
        fc.property(fc.oneof(byteStream(), lineStream()), fc.integer({ min: 0, max: 40 }), fc.nat({ max: 8 }), (message, max, offset) => {
          // A view at an offset of a larger buffer, as a datagram may be.
          const backing = new Uint8Array(message.length + offset + 3).fill(0x0a);
          backing.set(message, offset);
          const view = backing.subarray(offset, offset + message.length);
          expect(toReference(decodeMessage(view, max))).to.deep.equal(referenceMessage(message, max));
        }),
        800,
      );
    });
  });
});
