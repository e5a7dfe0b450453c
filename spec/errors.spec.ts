import { expect } from 'chai';
import {
  ERR_RXNET_INVALID_REQUEST,
  ERR_RXNET_OUT_OF_STEP,
  RxnetInvalidRequestError,
  RxnetOutOfStepError,
  UNKNOWN_OPTION_EXPECTED,
  isInvalidRequestError,
  isOutOfStepError,
  syscallCodeOf,
  ERR_RXNET_CLOSED,
  ERR_RXNET_CONNECTION,
  ERR_RXNET_INVALID_OPTION,
  ERR_RXNET_PROTOCOL,
  ERR_RXNET_TIMEOUT,
  RxnetClosedError,
  RxnetConnectionError,
  RxnetError,
  RxnetInvalidOptionError,
  RxnetProtocolError,
  RxnetTimeoutError,
  isClosedError,
  isConnectionError,
  isInvalidOptionError,
  isProtocolError,
  isRxnetError,
  isTimeoutError,
  isTransientError,
} from '../lib/errors.js';

/** A Node system error such as a socket emits. */
function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code, syscall: 'connect', errno: -1 });
}

describe('errors', () => {
  describe('RxnetInvalidOptionError', () => {
    const info = { option: '--port', value: 'abc', expected: 'an integer 0-65535' };

    it('has a name, a stable code and a message naming the value and what is allowed', () => {
      const err = new RxnetInvalidOptionError(info);
      expect(err.name).to.equal('RxnetInvalidOptionError');
      expect(err.code).to.equal(ERR_RXNET_INVALID_OPTION);
      expect(ERR_RXNET_INVALID_OPTION).to.equal('ERR_RXNET_INVALID_OPTION');
      expect(err.message).to.equal('Invalid --port "abc" (expected an integer 0-65535)');
      expect(String(err)).to.equal('RxnetInvalidOptionError: Invalid --port "abc" (expected an integer 0-65535)');
      expect(err.info).to.deep.equal(info);
    });

    it('takes a message of its own', () => {
      const both = { option: '--tcp, --udp', value: 'both', expected: 'one of them' };
      const err = new RxnetInvalidOptionError(both, 'Choose --tcp or --udp, not both');
      expect(err.message).to.equal('Choose --tcp or --udp, not both');
      expect(err.info).to.deep.equal({ option: '--tcp, --udp', value: 'both', expected: 'one of them' });
    });
  });

  describe('RxnetTimeoutError', () => {
    it('has a name, a stable code and a message with the attempts and the rounded time', () => {
      const err = new RxnetTimeoutError({ attempts: 5, elapsedMs: 3100.4 });
      expect(err.name).to.equal('RxnetTimeoutError');
      expect(err.code).to.equal(ERR_RXNET_TIMEOUT);
      expect(ERR_RXNET_TIMEOUT).to.equal('ERR_RXNET_TIMEOUT');
      expect(err.message).to.equal('Timed out after 5 attempts in 3100 ms');
      expect(err.info).to.deep.equal({ attempts: 5, elapsedMs: 3100.4 });
    });

    it('says "1 attempt", in the singular', () => {
      const err = new RxnetTimeoutError({ attempts: 1, elapsedMs: 2000 });
      expect(err.message).to.equal('Timed out after 1 attempt in 2000 ms');
    });
  });

  describe('RxnetConnectionError', () => {
    it('has a name, a stable code, its message and its info', () => {
      const info = { address: 'tcp://127.0.0.1:9', syscallCode: 'ECONNREFUSED', attempts: 3, elapsedMs: 120 };
      const err = new RxnetConnectionError('Could not connect to tcp://127.0.0.1:9', info);
      expect(err.name).to.equal('RxnetConnectionError');
      expect(err.code).to.equal(ERR_RXNET_CONNECTION);
      expect(ERR_RXNET_CONNECTION).to.equal('ERR_RXNET_CONNECTION');
      expect(err.message).to.equal('Could not connect to tcp://127.0.0.1:9');
      expect(err.info).to.deep.equal(info);
    });
  });

  describe('RxnetProtocolError', () => {
    it('has a name, a stable code, its message and what was received', () => {
      const err = new RxnetProtocolError('Malformed reply', { received: '200,abc' });
      expect(err.name).to.equal('RxnetProtocolError');
      expect(err.code).to.equal(ERR_RXNET_PROTOCOL);
      expect(ERR_RXNET_PROTOCOL).to.equal('ERR_RXNET_PROTOCOL');
      expect(err.message).to.equal('Malformed reply');
      expect(err.info).to.deep.equal({ received: '200,abc' });
    });

    it('keeps at most 80 characters of what was received', () => {
      const err = new RxnetProtocolError('Malformed reply', { received: `${'x'.repeat(80)}yyy` });
      expect(err.info.received).to.equal('x'.repeat(80));
    });
  });

  describe('RxnetClosedError', () => {
    it('has a name, a stable code and a message naming what was closed', () => {
      const err = new RxnetClosedError({ what: 'session 3' });
      expect(err.name).to.equal('RxnetClosedError');
      expect(err.code).to.equal(ERR_RXNET_CLOSED);
      expect(ERR_RXNET_CLOSED).to.equal('ERR_RXNET_CLOSED');
      expect(err.message).to.equal('session 3 was closed');
      expect(err.info).to.deep.equal({ what: 'session 3' });
    });
  });

  describe('every class', () => {
    const make = (): ReadonlyArray<readonly [string, RxnetError]> => [
      ['RxnetInvalidOptionError', new RxnetInvalidOptionError({ option: 'port', value: 'x', expected: 'a port' })],
      ['RxnetTimeoutError', new RxnetTimeoutError({ attempts: 1, elapsedMs: 5 })],
      ['RxnetConnectionError', new RxnetConnectionError('broken', { address: 'udp://127.0.0.1:9' })],
      ['RxnetProtocolError', new RxnetProtocolError('bad', { received: 'x' })],
      ['RxnetClosedError', new RxnetClosedError({ what: 'udp socket' })],
    ];

    for (const [name, err] of make()) {
      describe(name, () => {
        it('is an Error and an RxnetError with a stack that starts with its name', () => {
          expect(err).to.be.instanceOf(Error);
          expect(err).to.be.instanceOf(RxnetError);
          expect(err.stack?.split('\n')[0]).to.equal(`${name}: ${err.message}`);
        });

        it('has frozen info', () => {
          expect(Object.isFrozen(err.info)).to.equal(true);
          const key = Object.keys(err.info)[0] ?? 'none';
          expect(() => {
            (err.info as Record<string, unknown>)[key] = 'changed';
          }).to.throw(TypeError);
        });

        it('has no cause unless given one', () => {
          expect(err.cause).to.equal(undefined);
          expect(Object.hasOwn(err, 'cause')).to.equal(false);
        });
      });
    }

    it('copies info, so changing the object given does not change the error', () => {
      const info = { option: 'port', value: 'x', expected: 'a port' };
      const err = new RxnetInvalidOptionError(info);
      info.value = 'changed';
      expect(err.info.value).to.equal('x');
      expect(err.message).to.equal('Invalid port "x" (expected a port)');
    });

    it('keeps the cause it was given', () => {
      const cause = systemError('ECONNRESET');
      expect(new RxnetTimeoutError({ attempts: 2, elapsedMs: 10 }, { cause }).cause).to.equal(cause);
      expect(new RxnetConnectionError('reset', { address: 'tcp://127.0.0.1:9' }, { cause }).cause).to.equal(cause);
    });

    it('has a distinct code per class', () => {
      const codes = make().map(([, err]) => err.code);
      expect(new Set(codes).size).to.equal(codes.length);
    });
  });

  describe('guards', () => {
    const errors = {
      invalidOption: new RxnetInvalidOptionError({ option: 'port', value: 'x', expected: 'a port' }),
      timeout: new RxnetTimeoutError({ attempts: 1, elapsedMs: 5 }),
      connection: new RxnetConnectionError('broken', { address: 'tcp://127.0.0.1:9' }),
      protocol: new RxnetProtocolError('bad', { received: 'x' }),
      closed: new RxnetClosedError({ what: 'server' }),
    };
    const guards: ReadonlyArray<readonly [string, (err: unknown) => boolean, keyof typeof errors]> = [
      ['isInvalidOptionError', isInvalidOptionError, 'invalidOption'],
      ['isTimeoutError', isTimeoutError, 'timeout'],
      ['isConnectionError', isConnectionError, 'connection'],
      ['isProtocolError', isProtocolError, 'protocol'],
      ['isClosedError', isClosedError, 'closed'],
    ];
    const others: readonly unknown[] = [
      new Error('plain'),
      systemError('ECONNRESET'),
      null,
      undefined,
      'ERR_RXNET_TIMEOUT',
      42,
    ];

    for (const [name, guard, own] of guards) {
      it(`${name} is true only for its own class`, () => {
        for (const [kind, err] of Object.entries(errors)) expect(guard(err), kind).to.equal(kind === own);
        for (const other of others) expect(guard(other), String(other)).to.equal(false);
      });

      it(`${name} does not trust a look-alike object with the same code`, () => {
        const lookAlike = { name: errors[own].name, code: errors[own].code, message: errors[own].message, info: {} };
        expect(guard(lookAlike)).to.equal(false);
      });
    }

    it('isRxnetError is true for every rxnet error and false for anything else', () => {
      for (const [kind, err] of Object.entries(errors)) expect(isRxnetError(err), kind).to.equal(true);
      for (const other of others) expect(isRxnetError(other), String(other)).to.equal(false);
    });
  });

  describe('isTransientError', () => {
    it('is true for an RxnetTimeoutError', () => {
      expect(isTransientError(new RxnetTimeoutError({ attempts: 3, elapsedMs: 100 }))).to.equal(true);
    });

    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE']) {
      it(`is true for a Node system error with code ${code}`, () => {
        expect(isTransientError(systemError(code))).to.equal(true);
      });
    }

    const permanent: ReadonlyArray<readonly [string, unknown]> = [
      ['an RxnetInvalidOptionError', new RxnetInvalidOptionError({ option: 'port', value: 'x', expected: 'a port' })],
      ['an RxnetProtocolError', new RxnetProtocolError('bad', { received: 'x' })],
      [
        'an RxnetProtocolError caused by ECONNRESET',
        Object.assign(new RxnetProtocolError('bad', { received: 'x' }), { cause: systemError('ECONNRESET') }),
      ],
      ['a plain Error', new Error('boom')],
      ['a TypeError', new TypeError('x is not a function')],
      ['a Node system error with code EADDRINUSE', systemError('EADDRINUSE')],
      ['a Node system error with code EACCES', systemError('EACCES')],
      ['an error whose code is a number', Object.assign(new Error('x'), { code: 104 })],
      ['null', null],
      ['undefined', undefined],
      ['the string ECONNRESET', 'ECONNRESET'],
    ];
    for (const [what, err] of permanent) {
      it(`is false for ${what}`, () => {
        expect(isTransientError(err)).to.equal(false);
      });
    }
  });
});

describe('issue 13 error codes', () => {
  it('RxnetOutOfStepError has its own code, is transient, and keeps the message it had as a connection error', () => {
    const err = new RxnetOutOfStepError('Connection to tcp://127.0.0.1:9000 (session 1) was dropped: a reply came with no request outstanding', { address: 'tcp://127.0.0.1:9000' });
    expect([err.name, err.code, isOutOfStepError(err), isTransientError(err), isConnectionError(err)]).to.deep.equal(['RxnetOutOfStepError', ERR_RXNET_OUT_OF_STEP, true, true, false]);
    expect(err.info).to.deep.equal({ address: 'tcp://127.0.0.1:9000' });
  });

  it('RxnetInvalidRequestError has its own code, is not transient, and says what a request must be', () => {
    const err = new RxnetInvalidRequestError({ value: '+,1,1\\n+,2,2', expected: 'one line, without "\\n"' });
    expect([err.name, err.code, isInvalidRequestError(err), isTransientError(err)]).to.deep.equal(['RxnetInvalidRequestError', ERR_RXNET_INVALID_REQUEST, true, false]);
    expect(err.message).to.equal('Invalid request line "+,1,1\\n+,2,2" (expected one line, without "\\n")');
  });

  it('syscallCodeOf reads a system error\'s string code and nothing else', () => {
    expect(syscallCodeOf(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).to.equal('ECONNRESET');
    expect([syscallCodeOf(new Error('ECONNRESET')), syscallCodeOf({ code: 42 }), syscallCodeOf(null), syscallCodeOf('ECONNRESET')]).to.deep.equal([undefined, undefined, undefined, undefined]);
  });

  it('RxnetInvalidOptionError#renamed names a nested option, telling an unknown option from a bad value by its info', () => {
    const unknown = new RxnetInvalidOptionError({ option: 'facto', value: '2', expected: UNKNOWN_OPTION_EXPECTED }, 'Unknown option facto');
    expect(unknown.unknownOption).to.equal(true);
    expect(unknown.renamed('retry.facto').message).to.equal('Unknown option retry.facto');
    const bad = new RxnetInvalidOptionError({ option: 'factor', value: '1', expected: 'a number greater than 1' });
    expect(bad.renamed('retry.factor').message).to.equal('Invalid retry.factor "1" (expected a number greater than 1)');
    expect(bad.renamed('retry.factor').info.option).to.equal('retry.factor');
  });
});
