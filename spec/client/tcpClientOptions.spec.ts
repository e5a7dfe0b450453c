import { expect } from 'chai';
import { RxnetInvalidOptionError } from '../../lib/errors.js';
import { resolveTcpClientOptions, TCP_CLIENT_DEFAULTS, type TcpClientInput } from '../../lib/client/tcpClientOptions.js';

function invalid(options: unknown): RxnetInvalidOptionError {
  try {
    resolveTcpClientOptions(options as TcpClientInput);
  } catch (err) {
    expect(err).to.be.instanceOf(RxnetInvalidOptionError);
    return err as RxnetInvalidOptionError;
  }
  throw new Error('expected an RxnetInvalidOptionError');
}

describe('resolveTcpClientOptions', () => {
  it('gives the documented defaults', () => {
    const { isReply, ...rest } = resolveTcpClientOptions();
    expect(rest).to.deep.equal({
      transport: 'tcp',
      host: '127.0.0.1',
      port: 9000,
      sessions: 1,
      maxInFlight: 1,
      connectTimeout: 5000,
      framing: 'line',
      replyGap: 20,
      maxReplyLength: 1024,
      // gRPC's connection backoff (issue 15): jittered, capped, never giving up.
      reconnect: { initial: 1000, factor: 1.6, cap: 120_000, jitter: 0.2 },
    });
    expect(isReply).to.equal(TCP_CLIENT_DEFAULTS.isReply);
  });

  it('accepts every reply by default: it knows no protocol (the calc client passes its own check)', () => {
    const { isReply } = resolveTcpClientOptions();
    expect(['200,2', '300,-1', '', 'hello', '200,2,3'].map(isReply)).to.deep.equal([true, true, true, true, true]);
  });

  it('merges reconnect over its defaults and returns frozen options', () => {
    const options = resolveTcpClientOptions({ sessions: 4, reconnect: { max: 400, maxAttempts: 3 } });
    expect(options.reconnect).to.deep.equal({ initial: 1000, factor: 1.6, cap: 120_000, jitter: 0.2, max: 400, maxAttempts: 3 });
    expect(Object.isFrozen(options)).to.equal(true);
    expect(Object.isFrozen(options.reconnect)).to.equal(true);
  });

  it('names a bad reconnect jitter, cap or random', () => {
    expect(invalid({ reconnect: { jitter: 1.5 } }).message).to.equal('Invalid reconnect.jitter "1.5" (expected a number from 0 to 1)');
    expect(invalid({ reconnect: { cap: 0 } }).message).to.equal('Invalid reconnect.cap "0" (expected a number of ms from 1 to 2147483647)');
    expect(invalid({ reconnect: { random: 0.5 as never } }).message).to.equal('Invalid reconnect.random "0.5" (expected a function returning numbers in [0, 1))');
  });

  it('names a bad option, its value and what is allowed', () => {
    const err = invalid({ port: 0 });
    expect(err.code).to.equal('ERR_RXNET_INVALID_OPTION');
    expect(err.message).to.equal('Invalid port "0" (expected an integer from 1 to 65535)');
    expect(invalid({ sessions: 1.5 }).message).to.equal('Invalid sessions "1.5" (expected an integer from 1 to 1024)');
    expect(invalid({ replyGap: -1 }).message).to.equal('Invalid replyGap "-1" (expected a number of ms from 0 to 2147483647)');
    expect(invalid({ host: '' }).message).to.equal('Invalid host "" (expected a host name or IP address)');
  });

  it('prefixes a bad reconnect option with reconnect.', () => {
    expect(invalid({ reconnect: { factor: 0.5 } }).message).to.equal('Invalid reconnect.factor "0.5" (expected a number from 1 to 1000)');
    expect(invalid({ reconnect: { maxAttempts: 0 } }).info.option).to.equal('reconnect.maxAttempts');
  });

  it('rejects an unknown option, and an unknown reconnect option', () => {
    expect(invalid({ prot: 9000 }).message).to.equal('Unknown option prot');
    expect(invalid({ reconnect: { maxWait: 5 } }).message).to.equal('Unknown option reconnect.maxWait');
  });

  it('takes tls with ca, servername and rejectUnauthorized, and unix with path', () => {
    const tls = resolveTcpClientOptions({ transport: 'tls', ca: [Buffer.from('pem'), 'pem'], servername: 'localhost', rejectUnauthorized: false });
    expect(tls).to.deep.include({ transport: 'tls', ca: [Buffer.from('pem'), 'pem'], servername: 'localhost', rejectUnauthorized: false });
    expect(resolveTcpClientOptions({ transport: 'unix', path: '/tmp/calc.sock' })).to.deep.include({ transport: 'unix', path: '/tmp/calc.sock' });
  });

  for (const [options, message] of [
    [{ transport: 'udp' }, 'Invalid transport "udp" (expected tcp, tls or unix)'],
    [{ transport: 'unix' }, 'Invalid options: transport unix needs path'],
    [{ path: '/tmp/calc.sock' }, 'Invalid options: path applies to transport unix only'],
    [{ transport: 'tls', path: '/tmp/calc.sock' }, 'Invalid options: path applies to transport unix only'],
    [{ ca: 'pem' }, 'Invalid options: ca applies to transport tls only'],
    [{ transport: 'unix', path: '/x', servername: 'localhost' }, 'Invalid options: servername applies to transport tls only'],
    [{ rejectUnauthorized: false }, 'Invalid options: rejectUnauthorized applies to transport tls only'],
    [{ transport: 'tls', ca: 5 }, 'Invalid ca "5" (expected PEM certificates: a string, a Buffer or an array of them)'],
    [{ transport: 'unix', path: '' }, 'Invalid path "" (expected a socket file path)'],
  ] as const) {
    it(`rejects ${JSON.stringify(options)} with "${message}"`, () => {
      expect(invalid(options).message).to.equal(message);
    });
  }

  it('rejects a reconnect that is not an object', () => {
    expect(invalid({ reconnect: 5 }).message).to.equal('Invalid reconnect "5" (expected an object)');
  });
});
