import { expect } from 'chai';
import { parseServerArgs } from '../../cli/src/serverCommand.js';
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
  ];
  // Every usage error is checked in-process (fast); three of them also end to end, through the
  // launcher, for the exit code 2 and the single stderr line with no stack trace.
  for (const [args, message] of usageErrors) {
    it(`rejects ${args.join(' ')} with "${message.replace('rxnet server: ', '')}"`, () => {
      expect(() => parseServerArgs(args)).to.throw(message.replace('rxnet server: ', ''));
    });
  }
  for (const index of [0, 4, 10]) {
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
