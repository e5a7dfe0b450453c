import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { formatHexdump } from '../../lib/observability/formatHexdump.js';
import { formatWireText } from '../../lib/observability/formatWireText.js';
import { wiretap } from '../../lib/observability/wiretap.js';
import { requireSystemTool } from '../helpers/requireSystemTool.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('wiretap (issue 15)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('passes every chunk, the error and the completion through, logging one entry per chunk with time, direction, peer and length', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = bytes('+,1,1\n');
      const b = bytes('*,2');
      const source = cold('--a--b--#', { a, b });
      const subs = '        ^-------!';
      const expected = '   --a--b--#';
      const log: string[] = [];
      expectObservable(source.pipe(wiretap({ peer: 'tcp://127.0.0.1:5', direction: 'out', log: (e) => log.push(e), scheduler: testScheduler }))).toBe(expected, { a, b });
      expectSubscriptions(source.subscriptions).toBe(subs);
      testScheduler.flush();
      expect(log).to.deep.equal([
        '1970-01-01T00:00:00.002Z out tcp://127.0.0.1:5 6 B\n+,1,1\\n',
        '1970-01-01T00:00:00.005Z out tcp://127.0.0.1:5 3 B\n*,2',
      ]);
    });
  });

  it('logs hexdump -C lines with format hex, and direction in by default', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const a = bytes('+,1,1\n');
      const log: string[] = [];
      expectObservable(cold('a|', { a }).pipe(wiretap({ peer: 'udp://[::1]:9', format: 'hex', log: (e) => log.push(e), scheduler: testScheduler }))).toBe('a|', { a });
      testScheduler.flush();
      expect(log).to.deep.equal(['1970-01-01T00:00:00.000Z in udp://[::1]:9 6 B\n00000000  2b 2c 31 2c 31 0a                                 |+,1,1.|\n00000006']);
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = bytes('x');
      const source = cold('--a--a--a--|', { a });
      const unsub = '      -----!';
      const log: string[] = [];
      expectObservable(source.pipe(wiretap({ peer: 'p', log: (e) => log.push(e), scheduler: testScheduler })), unsub).toBe('--a--', { a });
      expectSubscriptions(source.subscriptions).toBe('^----!');
      testScheduler.flush();
      expect(log).to.have.length(1);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = bytes('x');
      const source = cold('--a--a--a--|', { a });
      const unsub = '      -----!';
      const result = source.pipe(
        mergeMap((x) => of(x)),
        wiretap({ peer: 'p', log: () => {}, scheduler: testScheduler }),
        mergeMap((x) => of(x)),
      );
      expectObservable(result, unsub).toBe('--a--', { a });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  describe('formatWireText', () => {
    it('escapes the backslash, CR, LF, tab and every non-printable byte, so a log line carries no control character', () => {
      expect(formatWireText(bytes('a\\b\r\n\t\x00\x1b[2J\x7f\xff'))).to.equal('a\\\\b\\r\\n\\t\\x00\\x1b[2J\\x7f\\xff');
      expect(formatWireText(new Uint8Array())).to.equal('');
    });
  });

  describe('formatHexdump', () => {
    it('prints the total length alone for no bytes', () => {
      expect(formatHexdump(new Uint8Array())).to.equal('00000000');
    });

    it('gives exactly what hexdump -C prints for 0, 1, 15, 16, 17 and 300 bytes of every value', () => {
      requireSystemTool('hexdump', 'bsdextrautils');
      for (const length of [1, 15, 16, 17, 300]) {
        const input = Buffer.from(Array.from({ length }, (_, i) => (i * 37 + 11) % 256));
        // -v: hexdump -C folds repeated lines into '*'; the logger prints every line.
        const expected = execFileSync('hexdump', ['-C', '-v'], { input }).toString().trimEnd();
        expect(formatHexdump(input), `${length} bytes`).to.equal(expected);
      }
    });
  });
});
