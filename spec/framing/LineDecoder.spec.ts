import { expect } from 'chai';
import fc from 'fast-check';
import { DEFAULT_MAX_LINE_LENGTH, overlong, type Frame } from '../../lib/framing/Frame.js';
import { LineDecoder } from '../../lib/framing/LineDecoder.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Feeds every chunk, then ends the stream; returns every frame in order. */
function decodeAll(decoder: LineDecoder, chunks: readonly Uint8Array[]): Frame[] {
  const frames: Frame[] = [];
  for (const chunk of chunks) frames.push(...decoder.push(chunk));
  frames.push(...decoder.end());
  return frames;
}

/** Cuts `buffer` at the given ascending offsets. */
function cut(buffer: Buffer, at: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of [...at, buffer.length]) {
    chunks.push(buffer.subarray(start, offset));
    start = offset;
  }
  return chunks;
}

/** White-box: the bytes the decoder holds for the unfinished line right now. */
function pendingBytes(decoder: LineDecoder): number {
  const { pending } = decoder as unknown as { pending: Buffer[] };
  return pending.reduce((sum, chunk) => sum + chunk.length, 0);
}

describe('LineDecoder', () => {
  describe('#push', () => {
    it('splits one chunk into its lines', () => {
      const decoder = new LineDecoder();
      expect(decoder.push(bytes('+,1,1\n*,2,3\n'))).to.deep.equal(['+,1,1', '*,2,3']);
    });
    it('joins a line split across two chunks', () => {
      const decoder = new LineDecoder();
      expect(decoder.push(bytes('+,1,1\n*,2'))).to.deep.equal(['+,1,1']);
      expect(decoder.push(bytes(',3\n'))).to.deep.equal(['*,2,3']);
    });

    it('removes the \\r of a CRLF terminator', () => {
      const decoder = new LineDecoder();
      expect(decoder.push(bytes('+,1,1\r\n-,2,1\r\n'))).to.deep.equal(['+,1,1', '-,2,1']);
    });

    it('removes only one \\r before the \\n', () => {
      const decoder = new LineDecoder();
      expect(decoder.push(bytes('a\r\r\n'))).to.deep.equal(['a\r']);
    });

    it('keeps a lone \\r inside a line', () => {
      const decoder = new LineDecoder();
      expect(decoder.push(bytes('a\rb\n\rc\n'))).to.deep.equal(['a\rb', '\rc']);
    });

    it('yields "" for each empty line', () => {
      const decoder = new LineDecoder();
      expect(decoder.push(bytes('\n\r\n\nx\n\n'))).to.deep.equal(['', '', '', 'x', '']);
    });

    it('yields nothing for a chunk without a newline, or an empty chunk', () => {
      const decoder = new LineDecoder();
      expect(decoder.push(bytes('+,1'))).to.deep.equal([]);
      expect(decoder.push(new Uint8Array(0))).to.deep.equal([]);
      expect(decoder.push(bytes(',1'))).to.deep.equal([]);
      expect(decoder.push(bytes('\n'))).to.deep.equal(['+,1,1']);
    });

    it('yields 1,000 pipelined requests from one chunk, in order', () => {
      const requests = Array.from({ length: 1000 }, (_, i) => `+,${i},1`);
      const decoder = new LineDecoder();
      expect(decoder.push(bytes(requests.map((r) => `${r}\n`).join('')))).to.deep.equal(requests);
      expect(decoder.end()).to.deep.equal([]);
    });

    it('accepts a plain Uint8Array view at an offset of a larger buffer', () => {
      const backing = new Uint8Array(bytes('XXX+,1,1\n*,2,3YYY\n'));
      const decoder = new LineDecoder();
      expect(decoder.push(new Uint8Array(backing.buffer, 3, 11))).to.deep.equal(['+,1,1']);
      expect(decoder.push(new Uint8Array(backing.buffer, 14, 0))).to.deep.equal([]);
      expect(decoder.push(new Uint8Array(backing.buffer, 17, 1))).to.deep.equal(['*,2,3']);
    });

    it('decodes multi-byte UTF-8 characters split across chunks', () => {
      const text = bytes('é€😀\n'); // 2, 3 and 4 bytes
      const decoder = new LineDecoder();
      const frames = [...text].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
      expect(frames).to.deep.equal(['é€😀']);
    });

    it('copies the unfinished tail, so a chunk reused by the caller does not corrupt the line', () => {
      const decoder = new LineDecoder();
      const chunk = bytes('+,1,2');
      decoder.push(chunk);
      chunk.fill(0x3f); // '?'
      expect(decoder.push(bytes('\n'))).to.deep.equal(['+,1,2']);
    });
  });

  describe('every chunk boundary', () => {
    const max = 8;
    const input = bytes(
      [
        '+,1,1\n',
        '\n',
        'é€,\r\n', // multi-byte characters
        'a\rb\n', // a lone \r
        '0123456789abc\n', // over the limit
        'x\n',
        '12345678\r\n', // exactly the limit, CRLF
        '123456789\n', // one byte over the limit
        '123456789\r\n', // one byte over the limit, CRLF
        '87654321\n', // exactly the limit
        'tail', // unterminated
      ].join(''),
    );
    const expected: Frame[] = [
      '+,1,1',
      '',
      'é€,',
      'a\rb',
      overlong(max),
      'x',
      '12345678',
      overlong(max),
      overlong(max),
      '87654321',
      'tail',
    ];

    it('yields the same frames when the input arrives in one chunk', () => {
      expect(decodeAll(new LineDecoder(max), [input])).to.deep.equal(expected);
    });
    it('yields the same frames when the input is cut in two at every position', () => {
      for (let i = 0; i <= input.length; i += 1) {
        expect(decodeAll(new LineDecoder(max), cut(input, [i])), `cut at ${i}`).to.deep.equal(expected);
      }
    });
    it('yields the same frames when the input is cut in three at every pair of positions', () => {
      for (let i = 0; i <= input.length; i += 1) {
        for (let j = i; j <= input.length; j += 1) {
          expect(decodeAll(new LineDecoder(max), cut(input, [i, j])), `cut at ${i} and ${j}`).to.deep.equal(expected);
        }
      }
    });

    it('yields the same frames when the input arrives byte by byte', () => {
      const chunks = [...input].map((byte) => Uint8Array.of(byte));
      expect(decodeAll(new LineDecoder(max), chunks)).to.deep.equal(expected);
    });
  });

  describe('maximum line length', () => {
    it('defaults to DEFAULT_MAX_LINE_LENGTH, 4096 bytes', () => {
      expect(new LineDecoder().maxLineLength).to.equal(DEFAULT_MAX_LINE_LENGTH);
      expect(DEFAULT_MAX_LINE_LENGTH).to.equal(4096);
      const decoder = new LineDecoder();
      const line = 'x'.repeat(4096);
      expect(decoder.push(bytes(`${line}\n${line}y\n`))).to.deep.equal([line, overlong(4096)]);
    });

    const limitCases: ReadonlyArray<readonly [string, string, Frame]> = [
      ['a line of exactly maxLineLength bytes', '12345678\n', '12345678'],
      ['a line of exactly maxLineLength bytes with CRLF', '12345678\r\n', '12345678'],
      ['a line of maxLineLength + 1 bytes', '123456789\n', overlong(8)],
      ['a line of maxLineLength + 1 bytes with CRLF', '123456789\r\n', overlong(8)],
      ['a line of maxLineLength bytes whose last byte is a kept \\r', '1234567\r\r\n', '1234567\r'],
      ['a line of maxLineLength + 1 bytes ending in a kept \\r', '12345678\r\r\n', overlong(8)],
      ['a line of maxLineLength bytes counted in bytes, not characters', 'éééé\n', 'éééé'],
      ['a line of maxLineLength + 1 bytes counted in bytes, not characters', 'éééé!\n', overlong(8)],
    ];
    for (const [what, text, frame] of limitCases) {
      const outcome = typeof frame === 'string' ? 'the line' : 'an overlong frame';
      it(`yields ${outcome} for ${what}, in one chunk or byte by byte`, () => {
        expect(new LineDecoder(8).push(bytes(text))).to.deep.equal([frame]);
        const decoder = new LineDecoder(8);
        expect([...bytes(text)].flatMap((byte) => decoder.push(Uint8Array.of(byte)))).to.deep.equal([frame]);
      });
    }

    it('yields the overlong frame as soon as the limit is passed, before the line ends', () => {
      const decoder = new LineDecoder(8);
      // 9 bytes may still be 8 bytes and a \r, so the verdict waits for one more byte.
      expect(decoder.push(bytes('123456789'))).to.deep.equal([]);
      expect(decoder.push(bytes('0'))).to.deep.equal([overlong(8)]);
    });

    it('yields exactly one overlong frame for an endless line arriving byte by byte', () => {
      const decoder = new LineDecoder(8);
      const frames: Frame[] = [];
      for (let i = 0; i < 10_000; i += 1) {
        frames.push(...decoder.push(Uint8Array.of(0x78)));
        if (i === 9) expect(frames, 'after 10 bytes').to.deep.equal([overlong(8)]);
      }
      expect(frames).to.deep.equal([overlong(8)]);
    });

    it('does not affect the lines after an overlong line', () => {
      const decoder = new LineDecoder(8);
      expect(decoder.push(bytes('0123456789abcdef\nok\n'))).to.deep.equal([overlong(8), 'ok']);
      expect(decoder.push(bytes('0123456789'))).to.deep.equal([overlong(8)]);
      expect(decoder.push(bytes('abcdef'))).to.deep.equal([]);
      expect(decoder.push(bytes('ghi\n+,1,1\n12345678\n'))).to.deep.equal(['+,1,1', '12345678']);
    });

    it('does not affect the lines after an overlong line that arrived byte by byte', () => {
      const decoder = new LineDecoder(8);
      const frames = [...bytes('0123456789abcdef\nok\n')].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
      expect(frames).to.deep.equal([overlong(8), 'ok']);
    });

    it('never holds more than maxLineLength + 1 bytes of an unfinished line (white-box)', () => {
      const limit = 1024;
      for (const size of [1, 7, 100, 1025, 4096]) {
        const decoder = new LineDecoder(limit);
        const chunk = Buffer.alloc(size, 0x39);
        let frames = 0;
        let most = 0;
        for (let sent = 0; sent < 64 * 1024; sent += size) {
          frames += decoder.push(chunk).length;
          most = Math.max(most, pendingBytes(decoder));
        }
        expect(most, `chunks of ${size} bytes`).to.be.at.most(limit + 1);
        expect(frames, `chunks of ${size} bytes`).to.equal(1);
        expect(decoder.push(bytes('\nok\n')), `chunks of ${size} bytes`).to.deep.equal(['ok']);
        expect(pendingBytes(decoder)).to.equal(0);
      }
    });
  });

  describe('#end', () => {
    it('yields the unterminated last line', () => {
      const decoder = new LineDecoder();
      expect(decoder.push(bytes('+,1,1\n+,2'))).to.deep.equal(['+,1,1']);
      expect(decoder.end()).to.deep.equal(['+,2']);
    });

    it('yields nothing when the last line was terminated', () => {
      const decoder = new LineDecoder();
      decoder.push(bytes('+,1,1\n'));
      expect(decoder.end()).to.deep.equal([]);
    });

    it('yields nothing when nothing was pushed', () => {
      expect(new LineDecoder().end()).to.deep.equal([]);
    });

    it('yields nothing after an overlong line was already reported', () => {
      const decoder = new LineDecoder(8);
      expect(decoder.push(bytes('0123456789'))).to.deep.equal([overlong(8)]);
      expect(decoder.end()).to.deep.equal([]);
    });

    it('yields one overlong frame for an unterminated last line just over the limit', () => {
      const decoder = new LineDecoder(8);
      expect(decoder.push(bytes('123456789'))).to.deep.equal([]);
      expect(decoder.end()).to.deep.equal([overlong(8)]);
    });

    it('yields an unterminated last line of exactly maxLineLength bytes', () => {
      const decoder = new LineDecoder(8);
      decoder.push(bytes('1234'));
      decoder.push(bytes('5678'));
      expect(decoder.end()).to.deep.equal(['12345678']);
    });

    it('yields nothing the second time it is called', () => {
      const decoder = new LineDecoder();
      decoder.push(bytes('+,2'));
      expect(decoder.end()).to.deep.equal(['+,2']);
      expect(decoder.end()).to.deep.equal([]);
    });
  });
});

describe('LineDecoder, whole lines decoded in one pass (issue 12)', () => {
  const perLine = (bytes: Buffer): string[] => {
    const lines: string[] = [];
    let start = 0;
    for (let newline = bytes.indexOf(0x0a); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
      const end = newline > start && bytes[newline - 1] === 0x0d ? newline - 1 : newline;
      lines.push(bytes.toString('utf8', start, end));
      start = newline + 1;
    }
    return lines;
  };
  const cases: ReadonlyArray<readonly [string, Buffer]> = [
    ['ASCII', Buffer.from('+,1,1\r\n*,2,3\n\n/,1,0\n')],
    ['multi-byte characters', Buffer.from('é,1,1\n€€\n+,1,2\n😀\r\n')],
    ['invalid UTF-8 (truncated sequences, lone continuation bytes)', Buffer.from([0xe2, 0x82, 0x0a, 0x80, 0x41, 0x0a, 0xc3, 0x0d, 0x0a, 0xf0, 0x9f, 0x98, 0x0a])],
    ['one invalid byte per line', Buffer.from([0xff, 0x0a, 0x41, 0xfe, 0x0a])],
  ];
  for (const [name, bytes] of cases) {
    it(`gives each line as decoding it alone would: ${name}`, () => {
      expect(new LineDecoder(64).push(bytes)).to.deep.equal(perLine(bytes));
    });
  }

  it('counts the limit in bytes where characters are wider than one byte', () => {
    const decoder = new LineDecoder(4);
    const frames = decoder.push(Buffer.from('éé\néééé\nabcd\nabcde\n'));
    expect(frames.map((frame) => (typeof frame === 'string' ? frame : 'OVERLONG'))).to.deep.equal(['éé', 'OVERLONG', 'abcd', 'OVERLONG']);
  });
});

describe('LineDecoder#pushTo', () => {
  /** Feeds every chunk through pushTo (a sink that takes all), then ends; every frame in order. */
  const decodeAllTo = (decoder: LineDecoder, chunks: readonly Uint8Array[]): Frame[] => {
    const frames: Frame[] = [];
    for (const chunk of chunks) decoder.pushTo(chunk, { frame: (frame) => (frames.push(frame), true) });
    frames.push(...decoder.end());
    return frames;
  };
  // Short lines of ASCII, CR, non-ASCII and over-long content, so both paths (one pass, and push) run.
  const piece = fc.constantFrom('+,1,1', '\n', '\r\n', '\r', 'é', 'x', '', '1234567890', ',');
  const input = fc.array(piece, { maxLength: 40 }).map((pieces) => Buffer.from(pieces.join(''), 'utf8'));

  it('hands on exactly the frames push returns, for any input and any split of it', () => {
    fc.assert(
      fc.property(input, fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        expect(decodeAllTo(new LineDecoder(8), cut(bytes, at))).to.deep.equal(decodeAll(new LineDecoder(8), cut(bytes, at)));
      }),
      { numRuns: 500 },
    );
  });

  it('hands on nothing more of a chunk once the sink says no, and keeps its unfinished tail', () => {
    for (const text of ['a\nb\nc\n', 'a\nb\nc\nd']) {
      const decoder = new LineDecoder(8);
      const seen: Frame[] = [];
      decoder.pushTo(Buffer.from(text), { frame: (frame) => (seen.push(frame), seen.length < 2) });
      expect(seen, text).to.deep.equal(['a', 'b']);
      expect(decoder.push(Buffer.from('\n')), text).to.deep.equal(text.endsWith('d') ? ['d'] : ['']);
    }
  });

  it('yields an overlong frame in the one-pass read too', () => {
    const seen: Frame[] = [];
    new LineDecoder(3).pushTo(Buffer.from('abcd\nabc\r\n'), { frame: (frame) => (seen.push(frame), true) });
    expect(seen).to.deep.equal([overlong(3), 'abc']);
  });
});
