import { expect } from 'chai';
import { DEFAULT_MAX_LINE_LENGTH, overlong, type Frame } from '../../lib/framing/Frame.js';
import { decodeMessage } from '../../lib/framing/decodeMessage.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('decodeMessage', () => {
  const cases: ReadonlyArray<readonly [string, Frame]> = [
    ['+,1,1', '+,1,1'],
    ['+,1,1\n', '+,1,1'],
    ['+,1,1\r\n', '+,1,1'],
    ['+,1,1\n\n', '+,1,1\n'],
    ['+,1,1\r\n\r\n', '+,1,1\r\n'],
    ['+,1,1\n\r\n', '+,1,1\n'],
    ['+,1,1\r', '+,1,1\r'],
    ['+,1,1\r\r\n', '+,1,1\r'],
    ['a\rb', 'a\rb'],
    ['+,1,1\n+,2,2\n', '+,1,1\n+,2,2'],
    ['', ''],
    ['\n', ''],
    ['\r\n', ''],
    ['\r', '\r'],
    ['é€😀\n', 'é€😀'],
  ];
  for (const [text, frame] of cases) {
    it(`decodes ${JSON.stringify(text)} as ${JSON.stringify(frame)}`, () => {
      expect(decodeMessage(bytes(text))).to.deep.equal(frame);
    });
  }

  const limitCases: ReadonlyArray<readonly [string, string, Frame]> = [
    ['exactly maxLength bytes', '12345678', '12345678'],
    ['exactly maxLength bytes and \\n', '12345678\n', '12345678'],
    ['exactly maxLength bytes and \\r\\n', '12345678\r\n', '12345678'],
    ['maxLength + 1 bytes', '123456789', overlong(8)],
    ['maxLength + 1 bytes and \\r\\n', '123456789\r\n', overlong(8)],
    ['maxLength bytes and a kept trailing \\r', '12345678\r', overlong(8)],
    ['maxLength + 1 bytes counted in bytes, not characters', 'éééé!', overlong(8)],
  ];
  for (const [what, text, frame] of limitCases) {
    it(`decodes a message of ${what} as ${typeof frame === 'string' ? 'its text' : 'an overlong frame'}`, () => {
      expect(decodeMessage(bytes(text), 8)).to.deep.equal(frame);
    });
  }

  it('defaults maxLength to DEFAULT_MAX_LINE_LENGTH', () => {
    const line = 'x'.repeat(DEFAULT_MAX_LINE_LENGTH);
    expect(decodeMessage(bytes(`${line}\n`))).to.equal(line);
    expect(decodeMessage(bytes(`${line}y`))).to.deep.equal(overlong(DEFAULT_MAX_LINE_LENGTH));
  });

  it('decodes a plain Uint8Array view at an offset of a larger buffer', () => {
    const backing = new Uint8Array(bytes('XXX+,1,1\nYYY'));
    expect(decodeMessage(new Uint8Array(backing.buffer, 3, 6))).to.equal('+,1,1');
  });
});
