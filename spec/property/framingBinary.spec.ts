import { expect } from 'chai';
import fc from 'fast-check';
import { isFramingError } from '../../lib/errors.js';
import { ChunkDecoder } from '../../lib/framing/ChunkDecoder.js';
import { DelimiterDecoder } from '../../lib/framing/DelimiterDecoder.js';
import { FixedLengthDecoder } from '../../lib/framing/FixedLengthDecoder.js';
import { isOverlong } from '../../lib/framing/Frame.js';
import type { FrameDecoder } from '../../lib/framing/FrameDecoder.js';
import { LengthFieldDecoder } from '../../lib/framing/LengthFieldDecoder.js';
import type { LengthFieldOptions } from '../../lib/framing/LengthFieldOptions.js';
import { LineDecoder } from '../../lib/framing/LineDecoder.js';
import { delimiterEncoder } from '../../lib/framing/delimiterEncoder.js';
import { encodeChunk } from '../../lib/framing/encodeChunk.js';
import { encodeLine } from '../../lib/framing/encodeLine.js';
import { fixedLengthEncoder } from '../../lib/framing/fixedLengthEncoder.js';
import { lengthFieldEncoder } from '../../lib/framing/lengthFieldEncoder.js';
import { cutAt } from '../framing/decodeAll.js';
import { check } from './fastCheck.js';

/**
 * Properties of the binary framings (delimiter, length-field, fixed-length) and the round trips
 * of every framing, against naive references written from Netty's documentation: any split of a
 * stream gives the same frames and the same failure; encode then decode gives the messages back;
 * and a decoder never holds more than its bound, whatever arrives.
 */

/** What a stream decodes to, comparable with deep equality: frames as hex, then the failure's code. */
type Outcome = string | { overlong: true } | { failure: string };
const OVERLONG: Outcome = { overlong: true };
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Feeds `chunks` to `decoder` checking `bound` (bytes held) after every push; the outcome as the references give it. */
function decode(decoder: FrameDecoder<unknown>, chunks: readonly Uint8Array[], bound: number): Outcome[] {
  const out: Outcome[] = [];
  const add = (frames: readonly unknown[]): void => {
    for (const frame of frames) out.push(isOverlong(frame) ? OVERLONG : hex(frame as Uint8Array));
  };
  for (const chunk of chunks) {
    add(decoder.push(chunk));
    const held = decoder.bufferedBytes ?? 0;
    if (held > bound) throw new Error(`holds ${held} bytes, over its bound of ${bound}`);
    if (decoder.failure !== undefined) return [...out, { failure: decoder.failure.code }];
  }
  try {
    add(decoder.end());
  } catch (err: unknown) {
    if (!isFramingError(err)) throw err;
    out.push({ failure: err.code });
  }
  return out;
}

/** The first index of `needle` in `haystack` at or after `from`, byte by byte; -1 if none. */
function naiveIndexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  for (let i = from; i + needle.length <= haystack.length; i += 1) {
    let j = 0;
    while (j < needle.length && haystack[i + j] === needle[j]) j += 1;
    if (j === needle.length) return i;
  }
  return -1;
}

/** The delimiter framing from its description: cut at each delimiter; longer than max is overlong; a tail is a frame. */
function referenceDelimiter(stream: Uint8Array, delimiter: Uint8Array, max: number, strip: boolean): Outcome[] {
  const out: Outcome[] = [];
  let pos = 0;
  for (;;) {
    const at = naiveIndexOf(stream, delimiter, pos);
    const end = at === -1 ? stream.length : at;
    if (at === -1 && pos === stream.length) return out;
    const withDelimiter = at === -1 || !strip ? (at === -1 ? end : end + delimiter.length) : end;
    out.push(end - pos > max ? OVERLONG : hex(stream.subarray(pos, withDelimiter)));
    if (at === -1) return out;
    pos = at + delimiter.length;
  }
}

/** A length field's value, byte by byte (an 8-byte field is signed, as Netty's getLong). */
function naiveField(bytes: Uint8Array, offset: number, length: number, bigEndian: boolean): number {
  let value = 0n;
  for (let i = 0; i < length; i += 1) value = (value << 8n) | BigInt(bytes[offset + (bigEndian ? i : length - 1 - i)] as number);
  if (length === 8 && value >= 1n << 63n) value -= 1n << 64n;
  return Number(value);
}

/** The length-field framing as Netty's javadoc computes it, with rxnet's failures. */
function referenceLengthField(stream: Uint8Array, o: LengthFieldOptions): Outcome[] {
  const out: Outcome[] = [];
  const header = o.lengthFieldOffset + o.lengthFieldLength;
  for (let pos = 0; pos < stream.length; ) {
    const rest = stream.length - pos;
    if (rest < header) return [...out, { failure: 'ERR_RXNET_FRAME_TRUNCATED' }];
    const value = naiveField(stream, pos + o.lengthFieldOffset, o.lengthFieldLength, o.byteOrder === 'big-endian');
    const frameLength = value + o.lengthAdjustment + header;
    if (value < 0 || frameLength < header) return [...out, { failure: 'ERR_RXNET_BAD_LENGTH_FIELD' }];
    if (frameLength > o.maxFrameLength) return [...out, { failure: 'ERR_RXNET_FRAME_TOO_LONG' }];
    if (o.initialBytesToStrip > frameLength) return [...out, { failure: 'ERR_RXNET_BAD_LENGTH_FIELD' }];
    if (rest < frameLength) return [...out, { failure: 'ERR_RXNET_FRAME_TRUNCATED' }];
    out.push(hex(stream.subarray(pos + o.initialBytesToStrip, pos + frameLength)));
    pos += frameLength;
  }
  return out;
}

/** A length field written byte by byte (two's complement for a negative 8-byte value). */
function naiveFieldBytes(value: number, length: number, bigEndian: boolean): number[] {
  let rest = BigInt.asUintN(64, BigInt(value));
  const little: number[] = [];
  for (let i = 0; i < length; i += 1) {
    little.push(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return bigEndian ? little.reverse() : little;
}

const cuts = (): fc.Arbitrary<number[]> => fc.array(fc.nat(), { maxLength: 30 });
const bytesOf = (parts: ReadonlyArray<ArrayLike<number>>): Uint8Array => Uint8Array.from(parts.flatMap((part) => Array.from(part)));

/** Delimiter options, and a stream of frames, delimiters, parts of delimiters and over-long runs. */
const delimiterCase = fc
  .record({
    delimiter: fc.oneof(fc.constantFrom('\0', '\r\n', '\r\n\r\n', 'aa', 'aba'), fc.uint8Array({ minLength: 1, maxLength: 4 })),
    maxFrameLength: fc.integer({ min: 1, max: 12 }),
    stripDelimiter: fc.boolean(),
    failFast: fc.boolean(),
  })
  .chain((options) => {
    const delimiter = typeof options.delimiter === 'string' ? Buffer.from(options.delimiter, 'latin1') : options.delimiter;
    const piece = fc.oneof(
      fc.constant(delimiter),
      fc.constant(delimiter.subarray(0, Math.max(1, delimiter.length - 1))),
      fc.uint8Array({ maxLength: 6 }),
      fc.constantFrom(...'abr\r\n\0'.split('').map((c) => Buffer.from(c, 'latin1'))),
      fc.integer({ min: options.maxFrameLength - 1, max: options.maxFrameLength * 6 }).map((n) => new Uint8Array(n).fill(0x78)),
    );
    return fc.record({ options: fc.constant({ ...options, delimiter }), stream: fc.array(piece, { maxLength: 14 }).map(bytesOf), points: cuts() });
  });

/** Length-field options (any Netty layout), and a stream of frames built for them, with bad fields and truncation now and then. */
const lengthFieldCase = fc
  .record({
    lengthFieldLength: fc.constantFrom(1, 2, 3, 4, 8) as fc.Arbitrary<1 | 2 | 3 | 4 | 8>,
    lengthFieldOffset: fc.integer({ min: 0, max: 3 }),
    lengthAdjustment: fc.integer({ min: -4, max: 4 }),
    initialBytesToStrip: fc.integer({ min: 0, max: 8 }),
    byteOrder: fc.constantFrom('big-endian', 'little-endian') as fc.Arbitrary<'big-endian' | 'little-endian'>,
    failFast: fc.boolean(),
    slack: fc.integer({ min: 0, max: 40 }),
  })
  .chain(({ slack, ...layout }) => {
    const options: LengthFieldOptions = { ...layout, maxFrameLength: layout.lengthFieldOffset + layout.lengthFieldLength + slack };
    const frame = fc
      .record({
        // Mostly frames that fit; now and then one over the maximum, a negative 8-byte field, a huge one.
        value: fc.oneof(
          { weight: 6, arbitrary: fc.integer({ min: 0, max: slack }) },
          { weight: 1, arbitrary: fc.integer({ min: -3, max: 48 }) },
          { weight: 1, arbitrary: fc.integer({ min: -3, max: 2 ** 31 }) },
        ),
        prefix: fc.uint8Array({ minLength: options.lengthFieldOffset, maxLength: options.lengthFieldOffset }),
        filler: fc.integer({ min: 0, max: 255 }),
      })
      .map(({ value, prefix, filler }) => {
        const field = naiveFieldBytes(options.lengthFieldLength === 8 ? value : Math.abs(value) % 2 ** (8 * options.lengthFieldLength), options.lengthFieldLength, options.byteOrder === 'big-endian');
        const after = Math.max(0, Math.min(value + options.lengthAdjustment, 64));
        return bytesOf([prefix, field, new Uint8Array(after).fill(filler)]);
      });
    const stream = fc
      .tuple(fc.array(frame, { maxLength: 6 }), fc.nat())
      .map(([frames, cut]) => {
        const whole = bytesOf(frames);
        // Now and then the stream ends early: inside a frame, or inside a length field.
        return cut % 4 === 0 ? whole.subarray(0, cut % (whole.length + 1)) : whole;
      });
    return fc.record({ options: fc.constant(options), stream, points: cuts() });
  });

describe('property: framing (binary framings and round trips)', () => {
  describe('DelimiterDecoder', () => {
    it('gives the reference frames for any stream, whatever the chunk boundaries, holding below maxFrameLength + delimiter length bytes', () => {
      check(
        fc.property(delimiterCase, ({ options, stream, points }) => {
          const bound = options.maxFrameLength + options.delimiter.length - 1;
          const expected = referenceDelimiter(stream, options.delimiter, options.maxFrameLength, options.stripDelimiter);
          expect(decode(new DelimiterDecoder(options), cutAt(stream, points), bound)).to.deep.equal(expected);
          expect(decode(new DelimiterDecoder(options), [...stream].map((byte) => Uint8Array.of(byte)), bound), 'byte by byte').to.deep.equal(expected);
        }),
        400,
      );
    });

    it('gives back every message it agreed to encode, and refuses exactly those the framing cannot carry', () => {
      check(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 3 }), fc.array(fc.uint8Array({ maxLength: 10 }), { maxLength: 8 }), cuts(), (delimiter, messages, points) => {
          const encode = delimiterEncoder(delimiter);
          const carried = messages.filter((message) => naiveIndexOf(bytesOf([message, delimiter]), delimiter, 0) === message.length);
          for (const message of messages) {
            if (carried.includes(message)) continue;
            expect(() => encode(message), hex(message)).to.throw('Cannot encode');
          }
          const wire = bytesOf(carried.map((message) => encode(message)));
          const decoder = new DelimiterDecoder({ delimiter, maxFrameLength: 16 });
          expect(decode(decoder, cutAt(wire, points), 16 + delimiter.length)).to.deep.equal(carried.map(hex));
        }),
        400,
      );
    });
  });

  describe('LengthFieldDecoder', () => {
    it("gives Netty's frames, then the same failure, for any layout and stream, whatever the chunk boundaries, holding below maxFrameLength bytes", () => {
      check(
        fc.property(lengthFieldCase, ({ options, stream, points }) => {
          const expected = referenceLengthField(stream, options);
          const bound = options.maxFrameLength - 1;
          expect(decode(new LengthFieldDecoder(options), cutAt(stream, points), bound)).to.deep.equal(expected);
          expect(decode(new LengthFieldDecoder(options), [...stream].map((byte) => Uint8Array.of(byte)), bound), 'byte by byte').to.deep.equal(expected);
        }),
        400,
      );
    });

    it('gives back what lengthFieldEncoder wrote, for every field length, byte order and adjustment', () => {
      const layout = fc.record({
        lengthFieldLength: fc.constantFrom(1, 2, 3, 4, 8) as fc.Arbitrary<1 | 2 | 3 | 4 | 8>,
        byteOrder: fc.constantFrom('big-endian', 'little-endian') as fc.Arbitrary<'big-endian' | 'little-endian'>,
        lengthAdjustment: fc.integer({ min: -3, max: 3 }),
        lengthIncludesLengthFieldLength: fc.boolean(),
      });
      check(
        fc.property(layout, fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), cuts(), (encoder, messages, points) => {
          const encode = lengthFieldEncoder(encoder);
          const own = encoder.lengthIncludesLengthFieldLength ? encoder.lengthFieldLength : 0;
          const fits = (message: Uint8Array): boolean => {
            const value = message.length + encoder.lengthAdjustment + own;
            return value >= 0 && value < 2 ** (8 * Math.min(encoder.lengthFieldLength, 6));
          };
          for (const message of messages.filter((m) => !fits(m))) expect(() => encode(message)).to.throw('Cannot encode');
          const carried = messages.filter(fits);
          const decoder = new LengthFieldDecoder({
            lengthFieldLength: encoder.lengthFieldLength,
            byteOrder: encoder.byteOrder,
            lengthAdjustment: -encoder.lengthAdjustment - own,
            initialBytesToStrip: encoder.lengthFieldLength,
            maxFrameLength: 400,
          });
          expect(decode(decoder, cutAt(bytesOf(carried.map((message) => encode(message))), points), 399)).to.deep.equal(carried.map(hex));
        }),
        400,
      );
    });
  });

  describe('FixedLengthDecoder', () => {
    it('cuts any stream into frameLength-byte frames whatever the chunk boundaries, a short tail being a truncated frame', () => {
      check(
        fc.property(fc.integer({ min: 1, max: 9 }), fc.uint8Array({ maxLength: 80 }), cuts(), (frameLength, stream, points) => {
          const expected: Outcome[] = [];
          for (let pos = 0; pos < stream.length; pos += frameLength) {
            expected.push(pos + frameLength <= stream.length ? hex(stream.subarray(pos, pos + frameLength)) : { failure: 'ERR_RXNET_FRAME_TRUNCATED' });
          }
          expect(decode(new FixedLengthDecoder(frameLength), cutAt(stream, points), frameLength - 1)).to.deep.equal(expected);
        }),
        400,
      );
    });

    it('gives back what fixedLengthEncoder wrote', () => {
      check(
        fc.property(fc.integer({ min: 1, max: 9 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.uint8Array({ minLength: n, maxLength: n }), { maxLength: 8 }), cuts())), ([n, messages, points]) => {
          const wire = bytesOf(messages.map(fixedLengthEncoder(n)));
          expect(decode(new FixedLengthDecoder(n), cutAt(wire, points), n - 1)).to.deep.equal(messages.map(hex));
        }),
        200,
      );
    });
  });

  describe('bounded state', () => {
    /** An over-long frame of up to 100 times the limit, in chunks of any size. */
    const flood = (max: number): fc.Arbitrary<Uint8Array[]> =>
      fc
        .tuple(fc.integer({ min: max + 1, max: max * 100 }), cuts())
        .map(([length, points]) => cutAt(new Uint8Array(length).fill(0x41), points));

    it('a delimiter decoder flooded with an over-long frame holds below maxFrameLength + delimiter length bytes, and says so once', () => {
      check(
        fc.property(
          fc.integer({ min: 1, max: 32 }).chain((max) => fc.tuple(fc.constant(max), flood(max))),
          fc.constantFrom('\0', '\r\n\r\n', 'AAB'),
          fc.boolean(),
          ([max, chunks], delimiter, failFast) => {
            const outcome = decode(new DelimiterDecoder({ delimiter, maxFrameLength: max, failFast }), chunks, max + delimiter.length - 1);
            expect(outcome).to.deep.equal([OVERLONG]);
          },
        ),
        200,
      );
    });

    it('a length-field decoder fed a frame of any announced length holds below maxFrameLength bytes', () => {
      check(
        fc.property(fc.integer({ min: 4, max: 64 }), fc.nat({ max: 2 ** 32 - 1 }), fc.boolean(), cuts(), (max, announced, failFast, points) => {
          const body = new Uint8Array(Math.min(announced, max * 50)).fill(0x41);
          const stream = bytesOf([naiveFieldBytes(announced, 4, true), body]);
          const outcome = decode(new LengthFieldDecoder({ maxFrameLength: max, failFast }), cutAt(stream, points), max - 1);
          // Fail fast or not, a frame over the maximum ends the stream with the same failure.
          expect(outcome).to.deep.equal([announced + 4 <= max ? hex(stream) : { failure: 'ERR_RXNET_FRAME_TOO_LONG' }]);
        }),
        300,
      );
    });

    it('a line decoder flooded with an over-long line holds at most maxLineLength + 1 bytes', () => {
      check(
        fc.property(fc.integer({ min: 1, max: 32 }), cuts(), fc.integer({ min: 2, max: 100 }), (max, points, times) => {
          const decoder = new LineDecoder(max);
          for (const chunk of cutAt(new Uint8Array(max * times).fill(0x41), points)) {
            decoder.push(chunk);
            expect(decoder.bufferedBytes).to.be.at.most(max + 1);
          }
        }),
        200,
      );
    });
  });

  describe('line and chunk round trips', () => {
    /** Text with newlines, CRs and multi-byte characters where they hurt. */
    const message = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'a\r', '\r', 'a\nb', '\n', 'é€😀', 'a\rb', '\r\n'), fc.string({ unit: 'binary', maxLength: 6 }));

    it('LineDecoder gives back every line encodeLine agreed to encode, and encodeLine refuses exactly a \\n inside or a \\r at the end', () => {
      check(
        fc.property(fc.array(message, { maxLength: 10 }), cuts(), (messages, points) => {
          const carried = messages.filter((m) => !m.includes('\n') && !m.endsWith('\r'));
          for (const m of messages.filter((x) => !carried.includes(x))) expect(() => encodeLine(m), JSON.stringify(m)).to.throw('Cannot encode');
          const wire = Buffer.from(carried.map(encodeLine).join(''), 'utf8');
          const decoder = new LineDecoder(64);
          const decoded = [...cutAt(wire, points).flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
          expect(decoded).to.deep.equal(carried.map((m) => Buffer.from(m, 'utf8').toString('utf8')));
        }),
        400,
      );
    });

    it('ChunkDecoder gives back every message encodeChunk agreed to encode, one chunk each', () => {
      check(
        fc.property(fc.array(message, { maxLength: 10 }), (messages) => {
          const decoder = new ChunkDecoder(64);
          for (const m of messages) {
            if (m.endsWith('\r')) {
              expect(() => encodeChunk(m)).to.throw('Cannot encode');
              continue;
            }
            expect(decoder.push(Buffer.from(encodeChunk(m), 'utf8'))).to.deep.equal([Buffer.from(m, 'utf8').toString('utf8')]);
          }
        }),
        400,
      );
    });
  });
});
