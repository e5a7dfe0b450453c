import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ROOT, startCli } from '../helpers/childProcess.js';
import { exchange } from '../helpers/rawTcp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';
import { numbersIn, runExample, startExample, type ExampleRun } from './runExample.js';

/** The example scripts: every examples/*.ts. */
const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => file.slice(0, -3))
  .sort();

/** Examples with a --demo mode; the README snippets (tenLineServer, udpStatsServer, oneRequestClient) have none. */
const DEMOS = ['uppercaseServer', 'lossyUdpServer', 'backoffClient', 'udpLossyProxy', 'tcpDelayProxy'] as const;

/** Sends `lines` on one connection, ends our side, and collects every reply line until the server closes. */
function sendAndEnd(port: number, lines: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(received.split('\n').slice(0, -1)));
    socket.end(lines.map((line) => `${line}\n`).join(''));
  });
}

/** Polls `test` every 10 ms until it holds or `ms` have passed. */
async function until(test: () => boolean, ms: number): Promise<void> {
  for (let waited = 0; !test() && waited < ms; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('examples/', function () {
  this.timeout(10000);

  // The demos are independent child processes: run them all at once, assert on each below.
  const demos = new Map<string, Promise<ExampleRun>>();
  /** backoffClient in its default mode, against `node cli/server.js --udp --success 0.5`: its port and run. */
  let againstCli: Promise<{ port: number; run: ExampleRun }>;
  before(() => {
    for (const name of DEMOS) demos.set(name, runExample(name, ['--demo']));
    againstCli = startCli('cli/server.js', ['--udp', '--port', '0', '--success', '0.5']).then(async (server) => {
      try {
        return { port: server.port, run: await runExample('backoffClient', ['--port', String(server.port), '--count', '20']) };
      } finally {
        server.kill();
        await server.exited;
      }
    });
    againstCli.catch(() => {}); // reported by its test
  });
  after(async () => {
    // No child outlives the suite.
    await Promise.allSettled([...demos.values(), againstCli]);
  });

  async function demo(name: (typeof DEMOS)[number]): Promise<ExampleRun> {
    const run = await (demos.get(name) as Promise<ExampleRun>);
    expect(run.stderr, `${name} --demo wrote to stderr`).to.equal('');
    expect(run.code, `${name} --demo exit code; stdout:\n${run.stdout}`).to.equal(0);
    return run;
  }

  describe('README.md', () => {
    const readme = readFileSync(join(ROOT, 'examples', 'README.md'), 'utf8');

    it('lists every example with a run command, and lists no example that does not exist', () => {
      const listed = [...readme.matchAll(/node dist\/examples\/(\w+)\.js/g)].map((match) => match[1]);
      expect([...new Set(listed)].sort()).to.deep.equal(EXAMPLES);
    });

    it('has a --demo command for every example that has a demo mode', () => {
      for (const name of DEMOS) expect(readme).to.include(`node dist/examples/${name}.js --demo`);
    });
  });

  describe('uppercaseServer', () => {
    it('--demo upper-cases each line and reports an over-long one, then exits 0', async () => {
      const { stdout } = await demo('uppercaseServer');
      expect(stdout.split('\n').slice(1)).to.deep.equal([
        'hello -> HELLO',
        'reactive world -> REACTIVE WORLD',
        'xxxxxxxxxxxxxxxxx... -> ERROR line longer than 1024 bytes',
        '',
      ]);
    });

    it('serves until SIGTERM by default, then closes everything and exits 0', async () => {
      const server = await startExample('uppercaseServer', ['--port', '0']);
      try {
        expect(server.readyLine).to.match(/^listening tcp 127\.0\.0\.1:\d+$/);
        expect(await exchange(server.port, 'abc\r\nmixed Case 1\n', 2)).to.deep.equal(['ABC', 'MIXED CASE 1']);
      } finally {
        expect(await server.stop('SIGTERM')).to.deep.equal({ code: 0, signal: null });
      }
    });
  });

  describe('lossyUdpServer', () => {
    it('--demo never answers an odd result and answers even ones correctly, then exits 0', async () => {
      const { stdout } = await demo('lossyUdpServer');
      for (let i = 1; i <= 12; i += 1) {
        const line = new RegExp(`^\\+,${i},0 +-> (.*)$`, 'm').exec(stdout)?.[1];
        if (i % 2 === 1) expect(line, `+,${i},0`).to.equal('no answer after 3 attempts');
        else expect(line, `+,${i},0`).to.be.oneOf([`200,${i}`, 'no answer after 3 attempts']);
      }
      expect(stdout).to.match(/^answered [0-6] of 6 even results, 0 of 6 odd results$/m);
    });

    it('serves UDP by default: no reply to an odd result, a reply to an even one', async () => {
      const server = await startExample('lossyUdpServer', ['--port', '0', '--success', '1']);
      const probe = await openUdpProbe();
      try {
        expect(server.readyLine).to.match(/^listening udp 127\.0\.0\.1:\d+$/);
        probe.send('+,1,2', server.port); // 3: dropped by the rule
        probe.send('+,1,1', server.port); // 2
        probe.send('/,1,0', server.port); // an error: not a result, so it is answered
        expect((await probe.waitFor(3, 300)).sort()).to.deep.equal(['200,2\n', '300,-1\n']);
      } finally {
        await probe.close();
        expect(await server.stop('SIGINT')).to.deep.equal({ code: 0, signal: null });
      }
    });
  });

  describe('backoffClient', () => {
    it('--demo gets (almost) every answer from a server that drops half its replies, none wrong', async () => {
      const { stdout } = await demo('backoffClient');
      const [answered, total] = numbersIn(stdout, /^answered (\d+)\/(\d+) \(\d+%\), wrong 0$/m);
      expect(total).to.equal(50);
      // 5 attempts each at success 0.5: a request is lost with p = 1/32; 40 or fewer answers has p < 1e-6.
      expect(answered).to.be.greaterThan(40);
      const [sent] = numbersIn(stdout, /^sent 50 requests \((\d+) datagrams\)/m);
      expect(sent, 'retries were sent').to.be.greaterThan(50);
    });

    it('queries a running server given --port and --count, as examples/README.md shows', async () => {
      const { port, run } = await againstCli;
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(new RegExp(`^sent 20 requests \\(\\d+ datagrams\\) to udp://127\\.0\\.0\\.1:${port} `, 'm'));
      // At success 0.5 with 5 attempts, 14 or fewer answers of 20 has p < 1e-6.
      expect(numbersIn(run.stdout, /^answered (\d+)\/20 \(\d+%\), wrong 0$/m)[0]).to.be.greaterThan(14);
    });
  });

  describe('udpLossyProxy', () => {
    it('--demo answers every request through a proxy that drops every 3rd datagram and delays the rest', async () => {
      const { stdout } = await demo('udpLossyProxy');
      for (let i = 10; i < 20; i += 1) expect(stdout).to.include(`-,${i},1 -> 200,${i - 1}\n`);
      expect(stdout).to.match(/^answered 10\/10; /m);
      const [received, dropped, forwarded, relayed] = numbersIn(
        stdout,
        /^proxy: (\d+) datagrams in, (\d+) dropped, (\d+) forwarded, (\d+) replies relayed$/m,
      );
      expect(dropped, 'every 3rd datagram').to.equal(Math.floor(received / 3));
      expect(dropped, 'the client had to retry').to.be.greaterThan(0);
      expect(forwarded).to.equal(received - dropped);
      expect(relayed).to.be.at.least(10);
      // A lower bound that shows the delay is applied on both hops (not a performance check).
      expect(numbersIn(stdout, /fastest round trip (\d+) ms/)[0]).to.be.at.least(40);
    });
  });

  describe('tcpDelayProxy', () => {
    it('--demo answers every request through a proxy that delays both directions', async () => {
      const { stdout } = await demo('tcpDelayProxy');
      expect(stdout).to.include('^,2,1 -> 200,2\n^,2,2 -> 200,4\n^,2,3 -> 200,8\n^,2,4 -> 200,16\n');
      expect(stdout).to.match(/^answered 4\/4; /m);
      expect(numbersIn(stdout, /fastest round trip (\d+) ms/)[0]).to.be.at.least(50);
    });
  });

  describe('udpStatsServer (the README snippet)', () => {
    it('issue 10: serves the calc protocol on UDP, prints its counters, and exits 0 on Ctrl-C (stats() completes)', async () => {
      const server = await startExample('udpStatsServer', []);
      const probe = await openUdpProbe();
      try {
        expect(server.readyLine).to.match(/^listening udp 127\.0\.0\.1:\d+$/);
        await until(() => /^requests=0 /m.test(server.stdout()), 3000); // the first snapshot: the SIGINT handler is in place
        expect(server.stdout()).to.match(/^requests=0 replies=0 p99=0us$/m);
        for (let i = 0; i < 10; i += 1) probe.send(`+,${i},1`, server.port);
        const replies = await probe.waitFor(10, 500); // about half: success 0.5
        for (const reply of replies) expect(reply).to.match(/^200,\d+\n$/);
        await until(() => /^requests=10 /m.test(server.stdout()), 3000); // the next snapshot, within a second
        expect(server.stdout()).to.match(new RegExp(`^requests=10 replies=${replies.length} p99=\\d+us$`, 'm'));
      } finally {
        await probe.close();
        // Before issue 10 stats() never completed: the process outlived close() and stop() had to SIGKILL it.
        expect(await server.stop('SIGINT')).to.deep.equal({ code: 0, signal: null });
      }
    });
  });

  describe('oneRequestClient (the README snippet)', () => {
    it('prints the answer from a running UDP server and exits 0 once the client is closed', async () => {
      const server = await startCli('cli/server.js', ['--udp', '--port', '0']);
      try {
        const run = await runExample('oneRequestClient', [], { env: { PORT: String(server.port) } });
        expect(run).to.include({ code: 0, stdout: '200,2\n', stderr: '' });
      } finally {
        server.kill();
        await server.exited;
      }
    });
  });

  describe('tenLineServer (the README snippet)', () => {
    it('answers each line with its reverse, in order, losing about one in ten, and ends when the client ends', async () => {
      const server = await startExample('tenLineServer', [], { env: { PORT: '0' } });
      try {
        expect(server.readyLine).to.match(/^listening tcp 127\.0\.0\.1:\d+$/);
        const sent = Array.from({ length: 40 }, (_, i) => `line ${i}`);
        const replies = await sendAndEnd(server.port, sent);
        const indexes = replies.map((reply) => sent.indexOf([...reply].reverse().join('')));
        expect(indexes, 'each reply is the reverse of a line sent').to.not.include(-1);
        expect(indexes, 'in order, each at most once').to.deep.equal([...new Set(indexes)].sort((a, b) => a - b));
        // 40 rolls at 0.9: 20 or fewer replies has p < 1e-8.
        expect(replies.length).to.be.within(21, 40);
      } finally {
        await server.stop('SIGTERM');
      }
    });
  });
});
