import { expect } from 'chai';
import { inspect } from 'node:util';
import { ERR_RXNET_INVALID_OPTION, RxnetInvalidOptionError } from '../../../lib/errors.js';
import { SERVER_DEFAULTS, resolveServerOptions, type ServerOptions } from '../../../lib/calc/server/serverOptions.js';

/** The error `fn` throws; fails the test if it throws nothing. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return expect.fail('expected a throw');
}

/** Options as an untyped caller (a CLI, JSON config) may pass them. */
const untyped = (options: Record<string, unknown>): Partial<ServerOptions> => options as Partial<ServerOptions>;

describe('resolveServerOptions', () => {
  describe('defaults', () => {
    it('resolves no options to tcp on 127.0.0.1:9000, success 1, line framing, 4096-byte lines, Math.random, and the documented limits', () => {
      expect(resolveServerOptions()).to.deep.equal({
        transport: 'tcp',
        host: '127.0.0.1',
        port: 9000,
        success: 1,
        framing: 'line',
        maxLineLength: 4096,
        random: Math.random,
        maxConnections: 10_000,
        idleTimeoutMs: 120_000,
        handshakeTimeoutMs: 10_000,
        maxInFlight: 1024,
        maxDatagramSize: 4096,
        udpRate: 1000,
        udpBurst: 2000,
        udpRateLoopback: false,
        recvBufferSize: 4 * 1024 * 1024,
      });
    });

    it('resolves {} to the defaults', () => {
      expect(resolveServerOptions({})).to.deep.equal(SERVER_DEFAULTS);
    });

    it('keeps SERVER_DEFAULTS frozen', () => {
      expect(Object.isFrozen(SERVER_DEFAULTS)).to.equal(true);
    });
  });

  it('merges the given options over the defaults', () => {
    const random = (): number => 0.5;
    expect(resolveServerOptions({ transport: 'udp', port: 0, success: 0.25, random })).to.deep.equal({
      ...SERVER_DEFAULTS,
      transport: 'udp',
      port: 0,
      success: 0.25,
      random,
    });
  });

  it('returns a frozen object', () => {
    const options = resolveServerOptions({ port: 0 });
    expect(Object.isFrozen(options)).to.equal(true);
    expect(() => {
      (options as { port: number }).port = 1;
    }).to.throw(TypeError);
    expect(options.port).to.equal(0);
  });

  it('does not modify the options it is given', () => {
    const given = { port: 0, success: 0.5 };
    resolveServerOptions(given);
    expect(given).to.deep.equal({ port: 0, success: 0.5 });
    expect(Object.isFrozen(given)).to.equal(false);
  });

  describe('accepted bounds', () => {
    const cases: ReadonlyArray<Partial<ServerOptions>> = [
      { port: 0 },
      { port: 65535 },
      { success: 0 },
      { success: 1 },
      { maxLineLength: 1024 },
      { maxLineLength: 16777216 },
      { transport: 'udp' },
      { framing: 'chunk' },
      { host: '::1' },
      { host: 'localhost' },
    ];
    for (const options of cases) {
      it(`accepts ${JSON.stringify(options)}`, () => {
        expect(resolveServerOptions(options)).to.include(options);
      });
    }
  });

  describe('invalid options', () => {
    // [options, option, value as text, what is allowed]
    const cases: ReadonlyArray<readonly [Record<string, unknown>, string, string, string]> = [
      [{ transport: 'sctp' }, 'transport', 'sctp', 'tcp, udp, tls, unix'],
      [{ transport: 'TCP' }, 'transport', 'TCP', 'tcp, udp, tls, unix'],
      [{ host: '' }, 'host', '', 'a host name or IP address'],
      [{ host: 5 }, 'host', '5', 'a host name or IP address'],
      [{ port: -1 }, 'port', '-1', 'an integer 0-65535'],
      [{ port: 65536 }, 'port', '65536', 'an integer 0-65535'],
      [{ port: 1.5 }, 'port', '1.5', 'an integer 0-65535'],
      [{ port: NaN }, 'port', 'NaN', 'an integer 0-65535'],
      [{ port: Infinity }, 'port', 'Infinity', 'an integer 0-65535'],
      [{ port: 'abc' }, 'port', 'abc', 'an integer 0-65535'],
      [{ port: '80' }, 'port', '80', 'an integer 0-65535'],
      [{ success: -0.1 }, 'success', '-0.1', 'a number from 0 to 1'],
      [{ success: 1.1 }, 'success', '1.1', 'a number from 0 to 1'],
      [{ success: 2 }, 'success', '2', 'a number from 0 to 1'],
      [{ success: NaN }, 'success', 'NaN', 'a number from 0 to 1'],
      [{ success: '0.5' }, 'success', '0.5', 'a number from 0 to 1'],
      [{ framing: 'bytes' }, 'framing', 'bytes', 'line or chunk'],
      [{ maxLineLength: 1023 }, 'maxLineLength', '1023', 'an integer from 1024 to 16777216'],
      [{ maxLineLength: 16777217 }, 'maxLineLength', '16777217', 'an integer from 1024 to 16777216'],
      [{ maxLineLength: 2048.5 }, 'maxLineLength', '2048.5', 'an integer from 1024 to 16777216'],
      [{ random: 'x' }, 'random', 'x', 'a function returning numbers in [0, 1)'],
      [{ random: 0.5 }, 'random', '0.5', 'a function returning numbers in [0, 1)'],
    ];
    for (const [options, option, value, expected] of cases) {
      it(`rejects ${inspect(options)} with "Invalid ${option} "${value}" (expected ${expected})"`, () => {
        const err = thrownBy(() => resolveServerOptions(untyped(options)));
        expect(err).to.be.instanceOf(RxnetInvalidOptionError);
        if (!(err instanceof RxnetInvalidOptionError)) return;
        expect(err.code).to.equal(ERR_RXNET_INVALID_OPTION);
        expect(err.message).to.equal(`Invalid ${option} "${value}" (expected ${expected})`);
        expect(err.info).to.deep.equal({ option, value, expected });
      });
    }

    it('rejects an unknown option, naming it', () => {
      const err = thrownBy(() => resolveServerOptions(untyped({ prot: 9000 })));
      expect(err).to.be.instanceOf(RxnetInvalidOptionError);
      if (!(err instanceof RxnetInvalidOptionError)) return;
      expect(err.code).to.equal(ERR_RXNET_INVALID_OPTION);
      expect(err.message).to.equal('Unknown option prot');
      expect(err.info).to.deep.equal({ option: 'prot', value: '9000', expected: 'a known option' });
    });

    it('rejects several unknown options, naming them all', () => {
      const err = thrownBy(() => resolveServerOptions(untyped({ a: 1, b: 2 })));
      expect(err).to.be.instanceOf(RxnetInvalidOptionError);
      expect(err).to.have.property('message', 'Unknown option a, b');
    });
  });
});
