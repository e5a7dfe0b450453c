import { expect } from 'chai';
import { z } from 'zod';
import { parseFlags, type FlagSpec } from '../../cli/src/parseFlags.js';
import { VersionRequested } from '../../cli/src/runMain.js';
import { RxnetInvalidOptionError } from '../../lib/index.js';

const SPEC: FlagSpec = { string: ['port', 'offset'], boolean: ['verbose', 'help'], alias: { v: 'verbose', o: 'offset', h: 'help' } };

const schema = z.strictObject({
  port: z.string({ error: 'an integer 0-65535' }).regex(/^\d+$/, { error: 'an integer 0-65535' }).optional(),
  offset: z.string({ error: 'a number' }).regex(/^-?\d*\.?\d+$/, { error: 'a number' }).optional(),
  verbose: z.boolean().default(false),
  help: z.boolean().default(false),
});

const parse = (argv: string[]) => parseFlags(argv, SPEC, schema);

/** The error parse throws, checked to be an RxnetInvalidOptionError. */
function invalid(argv: string[]): RxnetInvalidOptionError {
  try {
    parse(argv);
  } catch (err) {
    expect(err).to.be.an.instanceOf(RxnetInvalidOptionError);
    return err as RxnetInvalidOptionError;
  }
  throw new Error(`expected ${argv.join(' ')} to throw`);
}

describe('parseFlags', () => {
  describe('a negative number after a flag that takes a value', () => {
    it('issue 10: --port -1 is a port of "-1", reported as what the value must be, not as a flag -1', () => {
      const err = invalid(['--port', '-1']);
      expect(err.message).to.equal('Invalid --port "-1" (expected an integer 0-65535)');
      expect(err.code).to.equal('ERR_RXNET_INVALID_OPTION');
      expect(err.info).to.deep.equal({ option: '--port', value: '-1', expected: 'an integer 0-65535' });
    });

    it('is taken as the value, also after a short alias and for -.5', () => {
      expect(parse(['--offset', '-1']).flags.offset).to.equal('-1');
      expect(parse(['-o', '-.5']).flags.offset).to.equal('-.5');
      expect(parse(['--offset=-2']).flags.offset).to.equal('-2');
    });

    it('is still an unknown flag after a switch, and an argument after --', () => {
      expect(invalid(['--verbose', '-1']).message).to.equal('Unknown flag -1 (see --help)');
      expect(parse(['--', '--port', '-1']).positionals).to.deep.equal(['--port', '-1']);
    });
  });

  describe('a switch given a value', () => {
    for (const [argv, flag, value] of [
      [['--verbose=yes'], '--verbose', 'yes'],
      [['-v=yes'], '--verbose', 'yes'],
      [['--verbose=true'], '--verbose', 'true'],
      [['--help='], '--help', ''],
      [['--port', '1', '--version=2'], '--version', '2'],
    ] as const) {
      it(`issue 10: rejects ${argv.join(' ')}: a switch takes no value`, () => {
        const err = invalid([...argv]);
        expect(err.message).to.equal(`Invalid ${flag} "${value}" (a switch takes no value)`);
        expect(err.info).to.deep.equal({ option: flag, value, expected: 'no value' });
      });
    }

    it('still takes the switch alone', () => {
      expect(parse(['--verbose', '-h']).flags).to.deep.include({ verbose: true, help: true });
    });
  });

  describe('--version', () => {
    it('issue 10: is a flag of every command, that stops parsing with VersionRequested', () => {
      expect(() => parse(['--version'])).to.throw(VersionRequested);
      expect(() => parse(['--port', 'abc', '--version'])).to.throw(VersionRequested);
    });

    it('comes after an unknown flag, which is reported first', () => {
      expect(invalid(['--version', '--bogus']).message).to.equal('Unknown flag --bogus (see --help)');
    });
  });
});
