import { expect } from 'chai';
import { from, lastValueFrom, of, toArray, type Observable } from 'rxjs';
import { chunkCodec } from '../../lib/codec/chunkCodec.js';
import type { Codec } from '../../lib/codec/Codec.js';
import { delimiterCodec } from '../../lib/codec/delimiterCodec.js';
import { fixedLengthCodec } from '../../lib/codec/fixedLengthCodec.js';
import { lengthFieldCodec } from '../../lib/codec/lengthFieldCodec.js';
import { lineCodec } from '../../lib/codec/lineCodec.js';
import {
  ERR_RXNET_FRAME_TOO_LONG,
  ERR_RXNET_FRAME_TRUNCATED,
  ERR_RXNET_INVALID_OPTION,
  ERR_RXNET_UNENCODABLE_FRAME,
  RxnetFramingError,
  RxnetInvalidOptionError,
} from '../../lib/errors.js';
import { overlong } from '../../lib/framing/Frame.js';
import { splitLines } from '../../lib/operators/splitLines.js';
import { splitMessages } from '../../lib/operators/splitMessages.js';

const toBytes = (data: Uint8Array | string): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data));

/** All frames `decode` gives for the chunks, or the error it ends with. */
async function decodeChunks<F>(codec: Codec<F, never>, chunks: ReadonlyArray<Uint8Array | string>): Promise<F[]> {
  return lastValueFrom(from(chunks.map(toBytes)).pipe(codec.decode, toArray()));
}

/** The error an observable ends with. */
async function errorOf(source: Observable<unknown>): Promise<unknown> {
  try {
    await lastValueFrom(source.pipe(toArray()));
  } catch (err: unknown) {
    return err;
  }
  throw new Error('expected an error');
}

/** Encodes every message, cuts the bytes one byte at a time, decodes them: the round trip of one stream. */
async function roundTrip<F, M>(codec: Codec<F, M>, messages: readonly M[]): Promise<F[]> {
  const wire = Buffer.concat(messages.map((message) => toBytes(codec.encode(message))));
  return decodeChunks(codec as Codec<F, never>, [...wire].map((byte) => Uint8Array.of(byte)));
}

const text = (frames: readonly unknown[]): unknown[] => frames.map((frame) => (frame instanceof Uint8Array ? Buffer.from(frame).toString('utf8') : frame));

describe('codecs', () => {
  describe('lineCodec', () => {
    it('decodes exactly as splitLines does, overlong frame included', async () => {
      const chunks = ['+,1,1\r\n*,2', ',3\n', 'x'.repeat(20), '\nlast'];
      const expected = await lastValueFrom(from(chunks.map(toBytes)).pipe(splitLines({ maxLineLength: 8 }), toArray()));
      expect(await decodeChunks(lineCodec({ maxLineLength: 8 }), chunks)).to.deep.equal(expected);
      expect(expected).to.deep.equal(['+,1,1', '*,2,3', overlong(8), 'last']);
    });

    it('encodes a line with its \\n, and round-trips', async () => {
      const codec = lineCodec();
      expect(codec.encode('200,2')).to.equal('200,2\n');
      expect(await roundTrip(codec, ['+,1,1', '', 'é€'])).to.deep.equal(['+,1,1', '', 'é€']);
    });

    it('has a 4096-byte limit by default, and takes any limit from 1 (the calc minimum is the calc server’s)', async () => {
      expect(await decodeChunks(lineCodec(), [`${'x'.repeat(4097)}\n`])).to.deep.equal([overlong(4096)]);
      expect(await decodeChunks(lineCodec({ maxLineLength: 1 }), ['ab\nc\n'])).to.deep.equal([overlong(1), 'c']);
    });

    it('rejects a bad option at once', () => {
      expect(() => lineCodec({ maxLineLength: 0 })).to.throw(RxnetInvalidOptionError, 'Invalid maxLineLength "0"').with.property('code', ERR_RXNET_INVALID_OPTION);
      expect(() => lineCodec({ maxLength: 1 } as never)).to.throw(RxnetInvalidOptionError, 'Unknown option maxLength');
    });
  });

  describe('chunkCodec', () => {
    it('decodes each chunk as one message, exactly as splitMessages does', async () => {
      const chunks = ['+,1,1\n', '+,1', ',1\r\n', 'x'.repeat(9)];
      const expected = await lastValueFrom(from(chunks.map(toBytes)).pipe(splitMessages({ maxLength: 8 }), toArray()));
      expect(await decodeChunks(chunkCodec({ maxLength: 8 }), chunks)).to.deep.equal(expected);
    });

    it("encodes a message with the \\n of today's chunk-mode replies", () => {
      expect(chunkCodec().encode('200,2')).to.equal('200,2\n');
    });

    it('frames a datagram as one message', async () => {
      expect(await lastValueFrom(of(toBytes('+,1,1\n')).pipe(chunkCodec().decode, toArray()))).to.deep.equal(['+,1,1']);
    });
  });

  describe('delimiterCodec', () => {
    it('decodes binary frames at the delimiter and round-trips bytes and text', async () => {
      const codec = delimiterCodec({ delimiter: '\0' });
      expect(text(await roundTrip(codec, ['hello', Uint8Array.of(1, 2, 3), '']))).to.deep.equal(['hello', '\u0001\u0002\u0003', '']);
    });

    it('yields an overlong frame for a frame over maxFrameLength and goes on', async () => {
      const frames = await decodeChunks(delimiterCodec({ delimiter: '\r\n\r\n', maxFrameLength: 4 }), ['toolong\r\n\r\nok\r\n\r\n']);
      expect(text(frames)).to.deep.equal([overlong(4), 'ok']);
    });

    it('refuses to encode a message holding the delimiter', () => {
      expect(() => delimiterCodec({ delimiter: '\0' }).encode('a\0b')).to.throw(RxnetFramingError).with.property('code', ERR_RXNET_UNENCODABLE_FRAME);
    });

    it('rejects a bad option at once', () => {
      expect(() => delimiterCodec({ delimiter: '' })).to.throw(RxnetInvalidOptionError, 'Invalid delimiter ""');
    });
  });

  describe('lengthFieldCodec', () => {
    it('prepends a 4-byte big-endian length by default and decodes the bodies', async () => {
      const codec = lengthFieldCodec();
      expect(codec.encode('hi')).to.deep.equal(Buffer.of(0, 0, 0, 2, 0x68, 0x69));
      expect(text(await roundTrip(codec, ['hi', '', 'é'.repeat(300)]))).to.deep.equal(['hi', '', 'é'.repeat(300)]);
    });

    it('round-trips with every field length, both byte orders, and a field that counts itself', async () => {
      for (const lengthFieldLength of [1, 2, 3, 4, 8] as const) {
        for (const byteOrder of ['big-endian', 'little-endian'] as const) {
          const codec = lengthFieldCodec({ lengthFieldLength, byteOrder, lengthAdjustment: -lengthFieldLength });
          const frame = Buffer.from(codec.encode('abc') as Uint8Array);
          expect(frame.length, `${lengthFieldLength} ${byteOrder}`).to.equal(lengthFieldLength + 3);
          expect(byteOrder === 'big-endian' ? frame[lengthFieldLength - 1] : frame[0], 'the field counts itself').to.equal(lengthFieldLength + 3);
          expect(text(await roundTrip(codec, ['abc', 'de'])), `${lengthFieldLength} ${byteOrder}`).to.deep.equal(['abc', 'de']);
        }
      }
    });

    it('errors on a length over maxFrameLength (the field included, as Netty counts), after the frames before it', async () => {
      const codec = lengthFieldCodec({ maxFrameLength: 8 });
      const err = await errorOf(from([Buffer.concat([Buffer.from(codec.encode('ok')), Buffer.of(0, 0, 0, 5)])]).pipe(codec.decode));
      expect(err).to.be.instanceOf(RxnetFramingError).with.property('code', ERR_RXNET_FRAME_TOO_LONG);
      expect((err as RxnetFramingError).info).to.deep.equal({ framing: 'length-field', length: 9, limit: 8 });
      expect(text(await decodeChunks(codec, [Buffer.of(0, 0, 0, 4, 1, 2, 3, 4)])), 'a frame of exactly 8 bytes').to.have.length(1);
    });

    it('errors on a datagram shorter than its length field says', async () => {
      const err = await errorOf(of(Buffer.of(0, 0, 0, 9, 1)).pipe(lengthFieldCodec().decode));
      expect(err).to.be.instanceOf(RxnetFramingError).with.property('code', ERR_RXNET_FRAME_TRUNCATED);
    });

    it('rejects options of the decoder alone, and bad values, at once', () => {
      expect(() => lengthFieldCodec({ lengthFieldOffset: 2 } as never)).to.throw(RxnetInvalidOptionError, 'Unknown option lengthFieldOffset');
      expect(() => lengthFieldCodec({ lengthFieldLength: 5 as 4 })).to.throw(RxnetInvalidOptionError, 'Invalid lengthFieldLength "5"');
    });
  });

  describe('fixedLengthCodec', () => {
    it('decodes frames of frameLength bytes and round-trips', async () => {
      expect(text(await roundTrip(fixedLengthCodec(3), ['abc', 'def']))).to.deep.equal(['abc', 'def']);
    });

    it('errors on a stream that ends inside a frame', async () => {
      const err = await errorOf(from([Buffer.from('abcd')]).pipe(fixedLengthCodec(3).decode));
      expect(err).to.be.instanceOf(RxnetFramingError).with.property('code', ERR_RXNET_FRAME_TRUNCATED);
    });

    it('refuses to encode a message of another length, and rejects a bad frameLength at once', () => {
      expect(() => fixedLengthCodec(3).encode('abcd')).to.throw(RxnetFramingError).with.property('code', ERR_RXNET_UNENCODABLE_FRAME);
      expect(() => fixedLengthCodec(0)).to.throw(RxnetInvalidOptionError, 'Invalid frameLength "0"');
    });
  });
});
