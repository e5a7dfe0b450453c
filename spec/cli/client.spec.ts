import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { startServer } from '../../lib/calc/server/startServer.js';
import { ROOT, runCli, type CliResult } from '../helpers/childProcess.js';
import { startFakeSeedServer } from '../helpers/fakeSeedServer.js';
import { closedUdpPort, seededRandom, startUdpPeer, type UdpPeer } from '../helpers/udpPeer.js';
import { createServer } from 'node:net';
import { requireSystemTool } from '../helpers/requireSystemTool.js';

const CLIENT = 'cli/client.js';

/** A TCP port on 127.0.0.1 where nothing listens. */
async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** When each datagram a peer received arrived, in ms after the first. */
describe('node cli/client.js', function () {
  this.timeout(15000);

  describe('usage', () => {
    it('prints the help on stdout and exits 0', async () => {
      const { code, stdout, stderr } = await runCli(CLIENT, ['--help']);
      expect(code).to.equal(0);
      expect(stdout).to.match(/^Usage: node cli\/client\.js \[--tcp \| --udp \| --tls \[--ca FILE\] \| --unix PATH\]/);
      expect(stdout).to.include('--timeout SECONDS      how long to wait for an answer (default 1)');
      expect(stdout).to.include('--max-timeout SECONDS  with --expb, the longest wait (default 2');
      expect(stderr).to.equal('');
    });

    it('exits 2 with one line naming the flag, and no stack trace, for a bad flag value', async () => {
      const { code, stdout, stderr } = await runCli(CLIENT, ['--port', 'abc', '+,1,1']);
      expect({ code, stdout, stderr }).to.deep.equal({
        code: 2,
        stdout: '',
        stderr: 'rxnet client: Invalid --port "abc" (expected an integer 1-65535)\n',
      });
    });
  });

  describe('TCP reliable send (seed behaviour 1)', () => {
    it('prints each answer on its own line, in request order, and exits 0', async () => {
      await using server = await startServer({ transport: 'tcp', port: 0 });
      const args = ['--port', String(server.address.port), '+,1,1', '*,6,7', '-,5,3', '/,1,0', 'junk', '^,2,0.5'];
      const { code, stdout, stderr } = await runCli(CLIENT, args);
      expect(stderr).to.equal('');
      expect(stdout).to.equal('200,2\n200,42\n200,2\n300,-1\n300,-1\n200,1.4142135623730951\n');
      expect(code).to.equal(0);
    });

    it('reads one request per stdin line, skipping blank lines, and prints nothing but the answers', async () => {
      await using server = await startServer({ transport: 'tcp', port: 0 });
      const input = '+,1,1\n\n   \n*,2,3\r\n  %,7,4  \n';
      const { code, stdout, stderr } = await runCli(CLIENT, ['--tcp', '--port', String(server.address.port)], { input });
      expect({ code, stdout, stderr }).to.deep.equal({ code: 0, stdout: '200,2\n200,6\n200,3\n', stderr: '' });
    });

    it('works with --framing chunk against the original seed server over TCP (no newline in replies)', async () => {
      const seed = await startFakeSeedServer('tcp');
      try {
        const { code, stdout, stderr } = await runCli(CLIENT, ['--framing', 'chunk', '--port', String(seed.port)], { input: '+,1,1\n*,6,7\nbad\n' });
        expect({ code, stdout, stderr }).to.deep.equal({ code: 0, stdout: '200,2\n200,42\n300,-1\n', stderr: '' });
        expect(seed.requests).to.deep.equal(['+,1,1', '*,6,7', 'bad']);
      } finally {
        await seed.close();
      }
    });

    it('fails fast with one line when nothing listens, without trying the other requests', async () => {
      const port = await closedTcpPort();
      const { code, stdout, stderr } = await runCli(CLIENT, ['--port', String(port), '+,1,1', '+,2,2']);
      expect(code).to.equal(1);
      expect(stdout).to.equal('');
      expect(stderr).to.match(new RegExp(`^rxnet client: Cannot connect to tcp://127\\.0\\.0\\.1:${port} after 4 attempts in \\d+ ms: ECONNREFUSED\\n$`));
    });

    it('fails fast with one line when the server vanishes between requests', async () => {
      const server = await startServer({ transport: 'tcp', port: 0 });
      const child = spawn(process.execPath, [CLIENT, '--port', String(server.address.port)], { cwd: ROOT, stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const firstAnswer = new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('\n')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      child.stdin.write('+,1,1\n');
      await firstAnswer;
      await server.close();
      // Whether the client reads the close before or after it writes "+,2,2" is a race; either
      // way the request meets the vanished server (see the issue 10 test below).
      child.stdin.end('+,2,2\n+,3,3\n');
      const code = await exited;
      expect(code).to.equal(1);
      expect(stdout).to.equal('200,2\n');
      expect(stderr).to.match(/^rxnet client: Cannot connect to tcp:\/\/127\.0\.0\.1:\d+ after 4 attempts in \d+ ms: ECONNREFUSED\n$/);
    });

    // The race of the test above, made deterministic: the server closes the connection and stops
    // listening when the second request arrives, so the client always writes it first. It used to
    // print `no answer to "+,2,2" ... was closed by the server`, then the connection failure.
    it('issue 10: reports the vanished server, not a lost request, when the server goes as the next request arrives', async () => {
      const sockets = new Set<import('node:net').Socket>();
      const server = createServer((socket) => {
        sockets.add(socket);
        let lines = 0;
        socket.on('data', (chunk: Buffer) => {
          for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
            lines += 1;
            if (lines === 1) socket.write(line === '+,1,1' ? '200,2\n' : '300,-1\n');
            else {
              server.close();
              for (const each of sockets) each.destroy();
            }
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const { code, stdout, stderr } = await runCli(CLIENT, ['--port', String(port), '+,1,1', '+,2,2', '+,3,3']);
      expect(stderr).to.match(new RegExp(`^rxnet client: Cannot connect to tcp://127\\.0\\.0\\.1:${port} after 4 attempts in \\d+ ms: ECONNREFUSED\\n$`));
      expect(stdout).to.equal('200,2\n');
      expect(code).to.equal(1);
    });

    it('prompts in a terminal and ends with the usual status on Ctrl-D', async () => {
      requireSystemTool('script', 'bsdutils');
      await using server = await startServer({ transport: 'tcp', port: 0 });
      const child = spawn('script', ['-qec', `${process.execPath} ${CLIENT} --port ${server.address.port}`, '/dev/null'], { cwd: ROOT, stdio: 'pipe' });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const waitFor = async (text: string): Promise<void> => {
        for (let i = 0; i < 300 && !output.includes(text); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      };
      await waitFor('> ');
      child.stdin.write('*,6,7\r');
      await waitFor('200,42');
      child.stdin.write('\x04');
      const code = await exited;
      expect(output).to.include('> ');
      expect(output).to.include('200,42');
      expect(code).to.equal(0);
    });
  });

  describe('UDP', () => {
    /** The 3.1 s run against a silent peer goes on in the background while the other UDP tests run. */
    let silentRun: Promise<{ peer: UdpPeer; result: CliResult }>;

    before(() => {
      silentRun = startUdpPeer().then(async (peer) => {
        try {
          const result = await runCli(CLIENT, ['--udp', '--port', String(peer.port), '--timeout', '0.1', '--expb', '+,1,1']);
          return { peer, result };
        } finally {
          await peer.close();
        }
      });
    });

    after(async () => {
      await silentRun.catch(() => undefined);
    });

    it('answers every request from a server with success 1 (seed behaviour 2)', async () => {
      await using server = await startServer({ transport: 'udp', port: 0 });
      const { code, stdout, stderr } = await runCli(CLIENT, ['--udp', '--port', String(server.address.port), '+,1,1', '-,1,3', '%,1,0']);
      expect({ code, stdout, stderr }).to.deep.equal({ code: 0, stdout: '200,2\n200,-2\n300,-1\n', stderr: '' });
    });

    it('works with no extra flags against the original seed server over UDP', async () => {
      const seed = await startFakeSeedServer('udp');
      try {
        const { code, stdout, stderr } = await runCli(CLIENT, ['--udp', '--port', String(seed.port)], { input: '+,1,1\n*,6,7\n' });
        expect({ code, stdout, stderr }).to.deep.equal({ code: 0, stdout: '200,2\n200,42\n', stderr: '' });
        expect(seed.requests).to.deep.equal(['+,1,1', '*,6,7']);
      } finally {
        await seed.close();
      }
    });

    /** Sends `+,i,0` for i in 1..n; returns the answered i (from stdout) and the unanswered i (from stderr). */
    async function runLossy(port: number, flags: string[], n: number) {
      const input = Array.from({ length: n }, (_, i) => `+,${i + 1},0`).join('\n');
      const result = await runCli(CLIENT, ['--udp', '--port', String(port), ...flags], { input });
      const answered = result.stdout.split('\n').filter(Boolean).map((line) => Number(/^200,(\d+)$/.exec(line)?.[1]));
      const missed = result.stderr
        .split('\n')
        .filter(Boolean)
        .map((line) => Number(/^rxnet client: no answer to "\+,(\d+),0" after \d+ attempts? in \d+ ms$/.exec(line)?.[1]));
      return { code: result.code, answered, missed };
    }

    it('reports each unanswered request on stderr and goes on, with a server of success 0.5 (seed behaviour 3)', async () => {
      await using server = await startServer({ transport: 'udp', port: 0, success: 0.5, random: seededRandom(11) });
      // A wait of 0.1 s is far longer than a reply takes here, even on a busy machine: a request is
      // missed when the server drops it, not when the machine is slow.
      const { code, answered, missed } = await runLossy(server.address.port, ['--timeout', '0.1'], 30);
      expect(code).to.equal(1);
      expect(missed.length).to.be.within(5, 25);
      expect([...answered, ...missed].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(answered).to.deep.equal([...answered].sort((a, b) => a - b));
    });

    it('answers almost every request with --expb against a server of success 0.5 (seed behaviour 4)', async () => {
      await using server = await startServer({ transport: 'udp', port: 0, success: 0.5, random: seededRandom(5) });
      const { code, answered, missed } = await runLossy(server.address.port, ['--timeout', '0.02', '--expb', '--max-timeout', '0.32'], 30);
      expect(answered.length).to.be.at.least(27);
      expect([...answered, ...missed].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(code).to.equal(missed.length === 0 ? 0 : 1);
    });

    // The exact schedule (copies at 0, 0.1, 0.3, 0.7 and 1.5 s, giving up at 3.1 s) is tested on a
    // fake clock in spec/client/udpRequest.spec.ts; here, on real timers in another process, the
    // flags' effect is checked by count, and the times only as far as no busy machine can shift
    // them: no copy before its time (a timer may fire a millisecond early), and no upper bound.
    it('with --timeout 0.1 --expb sends 5 times (0, 0.1, 0.3, 0.7, 1.5 s) to a silent peer and gives up at 3.1 s', async () => {
      const { peer, result } = await silentRun;
      const { code, stdout, stderr } = result;
      expect(code).to.equal(1);
      expect(stdout).to.equal('');
      const reported = /^rxnet client: no answer to "\+,1,1" after 5 attempts in (\d+\.\d) s\n$/.exec(stderr);
      expect(reported, stderr).to.not.equal(null);
      expect(Number(reported?.[1])).to.be.at.least(3.1);
      expect(peer.received.map((d) => d.text)).to.deep.equal(Array(5).fill('+,1,1'));
      expect(new Set(peer.received.map((d) => d.from.port)).size).to.equal(1);
      // The schedule itself (0, 100, 300, 700, 1500 ms) is exact in marbles and on a fake clock
      // (retryWithBackoff and udpRequest specs); arrival times at a peer in this busy process are not.
    });

    it('with --max-timeout 0.4 sends 3 times and gives up at 0.7 s', async () => {
      const peer = await startUdpPeer();
      try {
        const args = ['--udp', '--port', String(peer.port), '--timeout', '0.1', '--expb', '--max-timeout', '0.4', '+,1,1'];
        const { code, stderr } = await runCli(CLIENT, args);
        expect(code).to.equal(1);
        const reported = /^rxnet client: no answer to "\+,1,1" after 3 attempts in (\d+) ms\n$/.exec(stderr);
        expect(reported, stderr).to.not.equal(null);
        expect(Number(reported?.[1])).to.be.at.least(699);
        expect(peer.received).to.have.length(3);
      } finally {
        await peer.close();
      }
    });

    it('fails fast with one line when nothing listens on the port', async () => {
      const port = await closedUdpPort();
      const started = performance.now();
      // Had it waited for an answer, it would have taken 5 s at least: far more than a busy
      // machine needs to start the client and get the ICMP reply.
      const { code, stdout, stderr } = await runCli(CLIENT, ['--udp', '--port', String(port), '--timeout', '5', '--expb', '--max-timeout', '10', '+,1,1', '+,2,2']);
      expect(performance.now() - started).to.be.below(5000);
      expect({ code, stdout, stderr }).to.deep.equal({
        code: 1,
        stdout: '',
        stderr: `rxnet client: Nothing is listening at udp://127.0.0.1:${port} (ECONNREFUSED)\n`,
      });
    });
  });
});
