import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../cli/src/runMain.js';
import { RxnetInvalidOptionError, RxnetTimeoutError, isTransientError, RxnetConnectionError } from '../../lib/index.js';
import { startServer } from '../../lib/calc/server/startServer.js';
import { parseClientArgs, serverOptions, type ClientRequest } from '../../cli/src/clientCommand.js';
import { runClient } from '../../cli/src/runClient.js';
import { seededRandom, startUdpPeer, closeAllPeers } from '../helpers/udpPeer.js';

type Run = Extract<ClientRequest, { help: false }>;

function parsed(argv: string[]): Run {
  const request = parseClientArgs(argv);
  if (request.help) throw new Error('expected a run, got --help');
  return request;
}

/** Runs the client in-process; collects what it writes. */
async function run(argv: string[], lines: Iterable<string>): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runClient(parsed(argv), lines, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

describe('clientCommand', () => {
  afterEach(closeAllPeers);

  describe('parseClientArgs', () => {
    it('defaults to TCP on 127.0.0.1:9000, one attempt of 1 s, requests from stdin', () => {
      const { options, requests } = parsed([]);
      expect(requests).to.equal(undefined);
      expect(options).to.deep.include({ transport: 'tcp', host: '127.0.0.1', port: 9000 });
      expect(options.retry).to.deep.include({ initial: 1000, max: 1000, retry: false });
      expect(options.tcp).to.deep.equal({ reconnect: { initial: 100, factor: 2, max: 400, jitter: 0 } });
    });

    it('maps --timeout, --expb and --max-timeout to the retry policy in milliseconds', () => {
      expect(parsed(['--udp', '--timeout', '0.1', '--expb']).options.retry).to.deep.include({ initial: 100, max: 2000 });
      expect(parsed(['--udp', '--timeout', '.25', '--expb', '--max-timeout', '0.5']).options.retry).to.deep.include({ initial: 250, max: 500 });
      expect(parsed(['--udp', '--timeout', '0.1', '--expb']).options.retry.retry).to.equal(undefined);
    });

    it('takes the positional arguments as requests, in order, including ones that start with "-"', () => {
      expect(parsed(['+,1,1', '-,5,3', '--udp', '- , 1, 2', '*,2,2']).requests).to.deep.equal(['+,1,1', '-,5,3', '- , 1, 2', '*,2,2']);
    });

    it('returns help for --help and -h', () => {
      expect(parseClientArgs(['--help'])).to.deep.equal({ help: true });
      expect(parseClientArgs(['-h', '--port', '5'])).to.deep.equal({ help: true });
    });

    it('does not retry a refused port, but retries a timeout and a broken connection', () => {
      const { shouldRetry } = parsed(['--expb']).options.retry;
      const refused = new RxnetConnectionError('refused', { address: 'udp://x', syscallCode: 'ECONNREFUSED' });
      const broke = new RxnetConnectionError('broke', { address: 'tcp://x', syscallCode: 'ECONNRESET' });
      expect(isTransientError(refused)).to.equal(true);
      expect(shouldRetry?.(refused)).to.equal(false);
      expect(shouldRetry?.(broke)).to.equal(true);
      expect(shouldRetry?.(new RxnetTimeoutError({ attempts: 1, elapsedMs: 1 }))).to.equal(true);
    });

    for (const [args, message] of [
      [['--port', '0'], 'Invalid --port "0" (expected an integer 1-65535)'],
      [['--port', '65536'], 'Invalid --port "65536" (expected an integer 1-65535)'],
      [['--host', ''], 'Invalid --host "" (expected a host name or IP address)'],
      [['--timeout', 'soon'], 'Invalid --timeout "soon" (expected a number of seconds greater than 0, at most 3600)'],
      [['--timeout', '0'], 'Invalid --timeout "0" (expected a number of seconds greater than 0, at most 3600)'],
      [['--expb', '--max-timeout', '1e9'], 'Invalid --max-timeout "1e9" (expected a number of seconds greater than 0, at most 3600)'],
      [['--tcp', '--udp'], 'use only one of --tcp, --udp, --tls and --unix'],
      [['--tls', '--udp'], 'use only one of --tcp, --udp, --tls and --unix'],
      [['--unix', '/tmp/calc.sock', '--tcp'], 'use only one of --tcp, --udp, --tls and --unix'],
      [['--udp', '--ca', 'ca.pem'], '--ca applies to --tls only'],
      [['--unix', '/tmp/calc.sock', '--host', '::1'], '--host and --port do not apply to --unix'],
      [['--unix', '/tmp/calc.sock', '--port', '9000'], '--host and --port do not apply to --unix'],
      [['--unix', ''], 'Invalid --unix "" (expected a socket file path)'],
      [['--discover', '--udp'], '--discover takes the server from its answer: --tcp, --udp, --tls, --unix, --ca, --host and --port do not apply'],
      [['--discover', '--host', '::1'], '--discover takes the server from its answer: --tcp, --udp, --tls, --unix, --ca, --host and --port do not apply'],
      [['--discover', '--port', '9000'], '--discover takes the server from its answer: --tcp, --udp, --tls, --unix, --ca, --host and --port do not apply'],
      [['--first'], '--first, --mx and --ssdp-* apply to --discover only'],
      [['--mx', '1'], '--first, --mx and --ssdp-* apply to --discover only'],
      [['--ssdp-port', '1901'], '--first, --mx and --ssdp-* apply to --discover only'],
      [['--discover', '--mx', '0'], 'Invalid --mx "0" (expected an integer number of seconds 1-5)'],
      [['--discover', '--mx', '1.5'], 'Invalid --mx "1.5" (expected an integer number of seconds 1-5)'],
      [['--discover', '--ssdp-group', 'x'], 'Invalid --ssdp-group "x" (expected an IPv4 multicast address (224.0.0.0-239.255.255.255))'],
      [['--discover', '--ssdp-group', '10.1.2.3'], 'Invalid --ssdp-group "10.1.2.3" (expected an IPv4 multicast address (224.0.0.0-239.255.255.255))'],
      [['--max-timeout', '4'], '--max-timeout applies with --expb only'],
      [['--expb', '--timeout', '3'], '--timeout is longer than --max-timeout: with --expb no wait may exceed --max-timeout'],
      [['--expb', '--timeout', '0.5', '--max-timeout', '0.4'], '--timeout is longer than --max-timeout: with --expb no wait may exceed --max-timeout'],
      [['--retries', '3'], 'Unknown flag --retries (see --help)'],
      [['--timeout', '-1'], 'Invalid --timeout "-1" (expected a number of seconds greater than 0, at most 3600)'],
      [['--port', '-1'], 'Invalid --port "-1" (expected an integer 1-65535)'],
      [['--tls=yes'], 'Invalid --tls "yes" (a switch takes no value)'],
      [['--host', '[::1'], 'Invalid --host "[::1" (expected a host name or IP address; brackets go around an IPv6 address only)'],
      [['--host', '[127.0.0.1]'], 'Invalid --host "[127.0.0.1]" (expected a host name or IP address; brackets go around an IPv6 address only)'],
    ] as const) {
      it(`rejects ${args.join(' ')} with "${message}"`, () => {
        expect(() => parseClientArgs(args)).to.throw(RxnetInvalidOptionError, message).with.property('message', message);
      });
    }
  });

  describe('parseClientArgs: transports', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'rxnet-cli-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('maps --tls --ca FILE to transport tls with the file\'s certificates', () => {
      const file = join(dir, 'ca.pem');
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      writeFileSync(file, pem);
      const { options } = parsed(['--tls', '--ca', file, '--host', 'localhost', '--port', '9443']);
      expect(options).to.deep.include({ transport: 'tls', host: 'localhost', port: 9443, ca: Buffer.from(pem) });
      expect(options.tcp).to.deep.equal({ reconnect: { initial: 100, factor: 2, max: 400, jitter: 0 } });
    });

    it('maps --tls alone to transport tls trusting the system\'s CAs, and --unix PATH to transport unix', () => {
      expect(parsed(['--tls']).options).to.deep.include({ transport: 'tls' }).and.not.have.property('ca');
      expect(parsed(['--unix', '/tmp/calc.sock']).options).to.deep.include({ transport: 'unix', path: '/tmp/calc.sock' });
    });

    it('takes an IPv6 --host', () => {
      expect(parsed(['--udp', '--host', '::1']).options).to.deep.include({ transport: 'udp', host: '::1' });
    });

    it('issue 10: takes --host [::1], the bracketed IPv6 form, as ::1', () => {
      expect(parsed(['--host', '[::1]']).options).to.deep.include({ transport: 'tcp', host: '::1' });
      expect(parsed(['--udp', '--host', '[fe80::1]']).options).to.deep.include({ transport: 'udp', host: 'fe80::1' });
    });

    it('is a usage error naming --ca when its file cannot be read, or holds no certificate', () => {
      const missing = join(dir, 'missing.pem');
      expect(() => parseClientArgs(['--tls', '--ca', missing])).to.throw(UsageError).with.property('message', `Cannot read --ca "${missing}" (ENOENT)`);
      const junk = join(dir, 'junk.pem');
      writeFileSync(junk, 'not a certificate');
      expect(() => parseClientArgs(['--tls', '--ca', junk]))
        .to.throw(UsageError)
        .with.property('message', `Invalid --ca "${junk}" (expected a PEM file of certificates)`);
    });
  });

  describe('parseClientArgs: --discover', () => {
    it('is off by default', () => {
      expect(parsed(['+,1,1']).discover).to.equal(undefined);
    });

    it('searches the default SSDP group with MX 2, listing every answer, unless told otherwise', () => {
      expect(parsed(['--discover']).discover).to.deep.equal({ first: false, mx: 2, network: { group: '239.255.255.250', port: 1900 } });
      const args = ['--discover', '--first', '--mx', '1', '--ssdp-group', '239.1.2.3', '--ssdp-port', '1901', '--ssdp-interface', '127.0.0.1', '+,1,1'];
      const request = parsed(args);
      expect(request.discover).to.deep.equal({ first: true, mx: 1, network: { group: '239.1.2.3', port: 1901, interfaceAddress: '127.0.0.1' } });
      expect(request.requests).to.deep.equal(['+,1,1']);
    });

    it('keeps the timeout flags for the server it will find', () => {
      expect(parsed(['--discover', '--timeout', '0.1', '--expb']).options.retry).to.deep.include({ initial: 100, max: 2000 });
    });
  });

  describe('serverOptions', () => {
    it('names a TCP server with the CLI\'s fail-fast reconnect, and a UDP server without TCP options', () => {
      expect(serverOptions('tcp', '127.0.0.1', 9000)).to.deep.equal({
        transport: 'tcp',
        host: '127.0.0.1',
        port: 9000,
        tcp: { reconnect: { initial: 100, factor: 2, max: 400, jitter: 0 } },
      });
      expect(serverOptions('udp', '::1', 9001)).to.deep.equal({ transport: 'udp', host: '::1', port: 9001 });
    });
  });

  describe('policies (issue 15)', () => {
    it('--circuit-breaker 2: after two unanswered requests the circuit opens and the next requests are refused unsent', async () => {
      const peer = await startUdpPeer(); // never answers
      const result = await run(['--udp', '--port', String(peer.port), '--timeout', '0.02', '--circuit-breaker', '2'], ['+,1,1', '+,2,2', '+,3,3', '+,4,4']);
      expect(result.code).to.equal(1);
      expect(result.out).to.deep.equal([]);
      expect(result.err).to.have.length(4);
      expect(result.err[2]).to.match(/^rxnet client: no answer to "\+,3,3": Circuit breaker is open: no request is sent for \d+ ms more$/);
      expect(result.err[3]).to.match(/^rxnet client: no answer to "\+,4,4": Circuit breaker is open: no request is sent for \d+ ms more$/);
      expect(peer.received.map((d) => d.text)).to.deep.equal(['+,1,1', '+,2,2']);
    });

    it('--hedge 20: a UDP request whose first copy is lost is answered through the hedged copy, within one attempt', async () => {
      let seen = 0;
      const peer = await startUdpPeer((d, self) => {
        seen += 1;
        if (seen === 2) self.send('200,2', d.from); // drops the first copy, answers the second
      });
      const result = await run(['--udp', '--port', String(peer.port), '--timeout', '5', '--hedge', '20'], ['+,1,1']);
      expect(result).to.deep.equal({ code: 0, out: ['200,2'], err: [] });
      expect(peer.received.map((d) => d.text)).to.deep.equal(['+,1,1', '+,1,1']);
    });

    it('refuses --hedge on a stream transport, and a --circuit-breaker that is not a positive integer', () => {
      expect(() => parsed(['--hedge', '20'])).to.throw(/^--hedge applies to --udp only/);
      expect(() => parsed(['--udp', '--circuit-breaker', '0'])).to.throw('Invalid --circuit-breaker "0" (expected an integer 1-1000)');
      expect(parsed(['--udp'])).to.not.have.nested.property('options.policy');
    });
  });

  describe('runClient', () => {
    it('skips blank lines, trims requests and returns 0 when all were answered', async () => {
      await using server = await startServer({ transport: 'udp', port: 0 });
      const result = await run(['--udp', '--port', String(server.address.port)], ['', '  +,1,1  ', '\t', '/,4,2']);
      expect(result).to.deep.equal({ code: 0, out: ['200,2', '200,2'], err: [] });
    });

    it('returns 0 with no output when there is no request', async () => {
      expect(await run(['--udp', '--port', '9'], ['', ' '])).to.deep.equal({ code: 0, out: [], err: [] });
    });

    it('reports an unanswered request on err with the request, attempts and time, goes on, and returns 1', async () => {
      const peer = await startUdpPeer((d, self) => {
        if (d.text === '+,2,2') self.send('200,4', d.from);
      });
      try {
        const result = await run(['--udp', '--port', String(peer.port), '--timeout', '0.05'], ['+,1,1', '+,2,2']);
        expect(result.code).to.equal(1);
        expect(result.out).to.deep.equal(['200,4']);
        expect(result.err).to.have.length(1);
        // The exact schedule is udpRequest's fake-clock spec; here the wall clock only shapes the line.
        expect(result.err[0]).to.match(/^rxnet client: no answer to "\+,1,1" after 1 attempt in \d+ ms$/);
        expect(peer.received.map((d) => d.text)).to.deep.equal(['+,1,1', '+,2,2']);
      } finally {
        await peer.close();
      }
    });

    it('keeps answers in request order whatever their timing', async () => {
      await using server = await startServer({ transport: 'udp', port: 0, success: 0.5, random: seededRandom(1) });
      const lines = Array.from({ length: 20 }, (_, i) => `+,${i},0`);
      const result = await run(['--udp', '--port', String(server.address.port), '--timeout', '0.01', '--expb', '--max-timeout', '0.16'], lines);
      const answered = result.out.map((line) => Number(line.split(',')[1]));
      expect(answered).to.deep.equal([...answered].sort((a, b) => a - b));
      expect(answered.length + result.err.length).to.equal(20);
    });
  });
});
