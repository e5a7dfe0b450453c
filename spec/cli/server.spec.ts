import { expect } from 'chai';
import { parseServerArgs } from '../../cli/src/serverCommand.js';
import { withBinLink } from '../helpers/binLink.js';
import { runCli, startCli } from '../helpers/childProcess.js';
import { closed, exchange, openSocket, readLines } from '../helpers/rawTcp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';

const SERVER = 'cli/server.js';

describe('node cli/server.js', function () {
  this.timeout(10000);

  it('prints one ready line with the transport and bound address, and serves TCP', async () => {
    const server = await startCli(SERVER, ['--port', '0']);
    try {
      expect(server.readyLine).to.match(/^listening tcp 127\.0\.0\.1:\d+$/);
      expect(await exchange(server.port, '+,1,1\n/,1,0\n', 2)).to.deep.equal(['200,2', '300,-1']);
    } finally {
      server.kill();
    }
  });

  it('serves UDP with --udp and drops replies with --success 0', async () => {
    const server = await startCli(SERVER, ['--udp', '--port', '0', '--success', '0']);
    const probe = await openUdpProbe();
    try {
      expect(server.readyLine).to.match(/^listening udp 127\.0\.0\.1:\d+$/);
      for (let i = 0; i < 10; i += 1) probe.send('+,1,1', server.port);
      expect(await probe.waitFor(1, 200)).to.deep.equal([]);
    } finally {
      await probe.close();
      server.kill();
    }
  });

  it('answers the seed client (no terminator) with --framing chunk', async () => {
    const server = await startCli(SERVER, ['--port', '0', '--framing', 'chunk']);
    try {
      const socket = await openSocket(server.port);
      const lines = readLines(socket, 1);
      socket.write('+,1,1');
      expect(await lines).to.deep.equal(['200,2']);
      socket.destroy();
    } finally {
      server.kill();
    }
  });

  it('logs requests and replies on stderr with --verbose, nothing on stdout', async () => {
    const server = await startCli(SERVER, ['--port', '0', '--verbose']);
    try {
      await exchange(server.port, '*,6,7\n', 1);
      const deadline = Date.now() + 2000;
      while (!server.stderr().includes('200,42') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(server.stderr()).to.include('request "*,6,7"');
      expect(server.stderr()).to.include('reply   200,42');
    } finally {
      server.kill();
    }
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`closes every connection and exits 0 within 2 s on ${signal}, even with idle clients`, async () => {
      const server = await startCli(SERVER, ['--port', '0']);
      const idle = await Promise.all([openSocket(server.port), openSocket(server.port), openSocket(server.port)]);
      const errors: string[] = [];
      for (const socket of idle) socket.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? ''));
      await exchange(server.port, '+,1,1\n', 1); // the idle ones were accepted before it
      const started = Date.now();
      server.child.kill(signal);
      const { code } = await server.exited;
      expect(code).to.equal(0);
      expect(Date.now() - started).to.be.lessThan(2000);
      await Promise.all(idle.map((socket) => closed(socket)));
      expect(errors, 'the server closed them, it did not reset them').to.deep.equal([]);
    });
  }

  it('prints usage and exits 0 with --help', async () => {
    const result = await runCli(SERVER, ['--help']);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(/^Usage: node cli\/server\.js/);
    expect(result.stderr).to.equal('');
  });

  const usageErrors: Array<[string[], string]> = [
    [['--port', 'abc'], 'rxnet server: Invalid --port "abc" (expected an integer 0-65535)'],
    [['--port', '65536'], 'rxnet server: Invalid --port "65536" (expected an integer 0-65535)'],
    [['--success', '2'], 'rxnet server: Invalid --success "2" (expected a number from 0 to 1)'],
    [['--success', 'half'], 'rxnet server: Invalid --success "half" (expected a number from 0 to 1)'],
    [['--tcp', '--udp'], 'rxnet server: use only one of --tcp, --udp, --tls and --unix'],
    [['--tls'], 'rxnet server: --tls needs --cert and --key'],
    [['--tls', '--cert', 'missing.pem', '--key', 'missing.pem'], 'rxnet server: Cannot read --cert "missing.pem" (ENOENT)'],
    [['--udp', '--unix', '/tmp/x.sock'], 'rxnet server: use only one of --tcp, --udp, --tls and --unix'],
    [['--framing', 'words'], 'rxnet server: Invalid --framing "words" (expected line or chunk)'],
    [['--max-line-length', '10'], 'rxnet server: Invalid --max-line-length "10" (expected an integer 1024-16777216)'],
    [['--bogus'], 'rxnet server: Unknown flag --bogus (see --help)'],
    [['stray'], 'rxnet server: Unexpected argument "stray" (the server takes only flags; see --help)'],
    [['--port', '-1'], 'rxnet server: Invalid --port "-1" (expected an integer 0-65535)'],
    [['--verbose=yes'], 'rxnet server: Invalid --verbose "yes" (a switch takes no value)'],
    [['--host', '[localhost]'], 'rxnet server: Invalid --host "[localhost]" (expected a host name or IP address; brackets go around an IPv6 address only)'],
  ];
  // Every usage error is checked in-process (fast); five of them also end to end, through the
  // launcher, for the exit code 2 and the single stderr line with no stack trace.
  for (const [args, message] of usageErrors) {
    it(`rejects ${args.join(' ')} with "${message.replace('rxnet server: ', '')}"`, () => {
      expect(() => parseServerArgs(args)).to.throw(message.replace('rxnet server: ', ''));
    });
  }
  for (const index of [0, 4, 10, 12, 13]) {
    const [args, message] = usageErrors[index] as [string[], string];
    it(`exits 2 with one line for ${args.join(' ')}`, async () => {
      const result = await runCli(SERVER, args);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.equal(`${message}\n`);
      expect(result.stdout).to.equal('');
    });
  }

  it('exits 1 with one line when the port is in use', async () => {
    const first = await startCli(SERVER, ['--port', '0']);
    try {
      const result = await runCli(SERVER, ['--port', String(first.port)]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(/^rxnet server: Cannot listen on tcp:\/\/127\.0\.0\.1:\d+: .*EADDRINUSE.*\n$/);
    } finally {
      first.kill();
    }
  });
});

describe('node cli/server.js over TLS and Unix sockets', function () {
  this.timeout(10000);

  it('serves TLS with --tls --cert --key', async () => {
    const { makeSelfSignedCert } = await import('../helpers/selfSignedCert.js');
    const { connect } = await import('node:tls');
    const certificate = makeSelfSignedCert();
    const server = await startCli(SERVER, ['--tls', '--cert', certificate.certFile, '--key', certificate.keyFile, '--port', '0']);
    try {
      expect(server.readyLine).to.match(/^listening tls 127\.0\.0\.1:\d+$/);
      const socket = connect({ host: '127.0.0.1', port: server.port, ca: certificate.cert });
      await new Promise<void>((resolve) => socket.once('secureConnect', resolve));
      const lines = readLines(socket, 1);
      socket.write('+,1,1\n');
      expect(await lines).to.deep.equal(['200,2']);
      socket.destroy();
    } finally {
      server.kill();
      certificate.remove();
    }
  });

  it('serves a Unix socket with --unix PATH', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { connect } = await import('node:net');
    const dir = mkdtempSync(join(tmpdir(), 'rxnet-cli-unix-'));
    const path = join(dir, 's.sock');
    const server = await startCli(SERVER, ['--unix', path]).catch((e: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    });
    try {
      expect(server.readyLine).to.equal(`listening unix ${path}`);
      const socket = connect({ path });
      const lines = readLines(socket, 1);
      socket.write('*,6,7\n');
      expect(await lines).to.deep.equal(['200,42']);
      socket.destroy();
    } finally {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('node cli/server.js --workers', function () {
  this.timeout(15000);

  for (const transport of ['--tcp', '--udp'] as const) {
    it(`runs 2 processes sharing one ${transport.slice(2).toUpperCase()} port, and all exit 0 on SIGTERM`, async () => {
      const server = await startCli(SERVER, [transport, '--port', '0', '--workers', '2'], 10000);
      try {
        expect(server.readyLine).to.match(new RegExp(`^listening ${transport.slice(2)} 127\\.0\\.0\\.1:\\d+$`));
        if (transport === '--tcp') {
          const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => exchange(server.port, `+,${i},1\n`, 1)));
          expect(replies.flat()).to.deep.equal(Array.from({ length: 8 }, (_, i) => `200,${i + 1}`));
        } else {
          const probe = await openUdpProbe();
          for (let i = 0; i < 8; i += 1) probe.send(`+,${i},1`, server.port);
          expect((await probe.waitFor(8, 2000)).sort()).to.have.length(8);
          await probe.close();
        }
        server.child.kill('SIGTERM');
        const { code } = await server.exited;
        expect(code).to.equal(0);
        expect(server.stderr()).to.include('2 workers');
      } finally {
        server.kill();
      }
    });
  }

  it('rejects --workers 0 as a usage error', async () => {
    const result = await runCli(SERVER, ['--workers', '0']);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.equal('rxnet server: Invalid --workers "0" (expected an integer 1-256 or auto)\n');
  });
});

describe("node cli/server.js: issue 10, a new user's first hour", function () {
  this.timeout(10000);

  describe('help and messages', () => {
    it('issue 10: names itself in its usage as it was started: node cli/server.js, or rxnet-server through an npm bin link', async () => {
      const [asScript, asBin] = await Promise.all([
        runCli(SERVER, ['--help']),
        withBinLink('cli/server.js', 'rxnet-server', (bin) => runCli(bin, ['--help'])),
      ]);
      expect(asScript.stdout).to.match(/^Usage: node cli\/server\.js \[--tcp/);
      expect(asBin.stdout).to.match(/^Usage: rxnet-server \[--tcp/);
      expect(asBin.code).to.equal(0);
    });

    it('issue 10: documents the ready line of every transport, as printed, and --framing for every stream transport', async () => {
      const { serverUsage } = await import('../../cli/src/serverCommand.js');
      const usage = serverUsage('rxnet-server');
      for (const line of ['"listening tcp HOST:PORT"', '"listening udp HOST:PORT"', '"listening tls HOST:PORT"', '"listening unix PATH"']) {
        expect(usage).to.include(line);
      }
      expect(usage).not.to.include('tcp|udp HOST:PORT');
      expect(usage).to.include('--framing line|chunk   on a stream transport (tcp, tls, unix)');
      expect(usage).not.to.include('TCP only');
      expect(parseServerArgs(['--unix', '/tmp/calc.sock', '--framing', 'chunk'])).to.have.nested.property('options.framing', 'chunk');
    });

    it('issue 11: takes --handshake-timeout SECONDS as handshakeTimeoutMs (default 10 s), and rejects 0', () => {
      expect(parseServerArgs([])).to.have.nested.property('options.handshakeTimeoutMs', 10_000);
      expect(parseServerArgs(['--handshake-timeout', '0.25'])).to.have.nested.property('options.handshakeTimeoutMs', 250);
      expect(() => parseServerArgs(['--handshake-timeout', '0'])).to.throw('Invalid --handshake-timeout "0" (expected a number of seconds 0.001-3600)');
    });

    it("issue 10: prints package.json's version with --version and exits 0", async () => {
      const { readFileSync } = await import('node:fs');
      const { ROOT } = await import('../helpers/childProcess.js');
      const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
      expect(await runCli(SERVER, ['--version'])).to.include({ code: 0, stdout: `${version}\n`, stderr: '' });
    });
  });

  describe('addresses', () => {
    it('issue 10: takes --host [::1], the bracketed IPv6 form, and listens on ::1', async () => {
      expect(parseServerArgs(['--host', '[::1]'])).to.have.nested.property('options.host', '::1');
      const server = await startCli(SERVER, ['--host', '[::1]', '--port', '0']);
      try {
        expect(server.readyLine).to.match(/^listening tcp \[::1\]:\d+$/);
        const socket = await openSocket(server.port, '::1');
        const lines = readLines(socket, 1);
        socket.write('+,2,2\n');
        expect(await lines).to.deep.equal(['200,4']);
        socket.destroy();
      } finally {
        server.kill();
      }
    });

    it('issue 10: starts over the socket file left by a killed server, and refuses one that another server holds', async () => {
      const { existsSync, mkdtempSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const dir = mkdtempSync(join(tmpdir(), 'rxnet-cli-stale-'));
      const path = join(dir, 's.sock');
      try {
        const crashed = await startCli(SERVER, ['--unix', path]);
        crashed.child.kill('SIGKILL');
        await crashed.exited;
        expect(existsSync(path), 'SIGKILL leaves the socket file').to.equal(true);
        const server = await startCli(SERVER, ['--unix', path]);
        try {
          expect(server.readyLine).to.equal(`listening unix ${path}`);
          const second = await runCli(SERVER, ['--unix', path]);
          expect(second).to.include({
            code: 1,
            stderr: `rxnet server: Cannot listen on unix:${path}: listen EADDRINUSE: another process is listening on ${path}\n`,
          });
          const { connect } = await import('node:net');
          const socket = connect({ path });
          const lines = readLines(socket, 1);
          socket.write('*,6,7\n');
          expect(await lines, 'the first server still serves').to.deep.equal(['200,42']);
          socket.destroy();
        } finally {
          server.kill();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('TLS', () => {
    it('issue 10: names the flag and the file of a swapped certificate and key, and says what it found', async () => {
      const { makeSelfSignedCert } = await import('../helpers/selfSignedCert.js');
      const { UsageError } = await import('../../cli/src/runMain.js');
      const certificate = makeSelfSignedCert();
      try {
        const { certFile, keyFile } = certificate;
        expect(() => parseServerArgs(['--tls', '--cert', keyFile, '--key', certFile]))
          .to.throw(UsageError)
          .with.property('message', `--cert "${keyFile}" holds no certificate (found a private key); swapped --cert and --key?`);
        expect(() => parseServerArgs(['--tls', '--cert', certFile, '--key', certFile]))
          .to.throw(UsageError)
          .with.property('message', `--key "${certFile}" holds no private key (found a certificate); swapped --cert and --key?`);
        expect(() => parseServerArgs(['--tls', '--cert', 'package.json', '--key', keyFile]))
          .to.throw(UsageError)
          .with.property('message', '--cert "package.json" holds no certificate (expected a PEM file with a "-----BEGIN CERTIFICATE-----" block)');
        const swapped = await runCli(SERVER, ['--tls', '--cert', keyFile, '--key', certFile, '--port', '0']);
        expect(swapped).to.include({
          code: 2,
          stdout: '',
          stderr: `rxnet server: --cert "${keyFile}" holds no certificate (found a private key); swapped --cert and --key?\n`,
        });
      } finally {
        certificate.remove();
      }
    });
  });
});
