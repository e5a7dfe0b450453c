import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { createCalcClient } from '../../lib/index.js';
import { runCli } from '../helpers/childProcess.js';
import { Figures } from './figures.js';
import { answer, startHostileTcpServer, startHostileUdpServer, TCP_MOVES, TCP_NON_ANSWERS, UDP_MOVES, UDP_NON_ANSWERS, type HostileServer } from './hostileServers.js';

/** Distinct request lines, so a stderr line names exactly one of them. */
const requestLines = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => ['+', '-', '*', '/', '%', '^'][i % 6] + `,${i + 2},${(i % 5) + 1}`);

/**
 * Runs `node cli/client.js ...flags ...lines` and checks what it printed: each stdout line is the
 * right answer of the next request that was not reported unanswered on stderr; stderr holds
 * nothing but "no answer" lines (no crash, no stack trace). Returns how many were answered.
 */
async function expectOnlyRightAnswers(flags: readonly string[], lines: readonly string[]): Promise<number> {
  const result = await runCli('cli/client.js', [...flags, ...lines], { timeoutMs: 15000 });
  const errLines = result.stderr.split('\n').filter(Boolean);
  for (const line of errLines) expect(line, 'stderr').to.match(/^rxnet client: no answer to "[^"]+" after \d+ attempts? in /);
  const unanswered = new Set(errLines.map((line) => /no answer to "([^"]+)"/.exec(line)?.[1]));
  const answered = lines.filter((line) => !unanswered.has(line));
  expect(result.stdout.split('\n').filter(Boolean), 'stdout').to.deep.equal(answered.map(answer));
  expect(result.code, result.stderr).to.equal(unanswered.size === 0 ? 0 : 1);
  expect(result.signal).to.equal(null);
  return answered.length;
}

const figures = new Figures('clients against hostile servers');

describe('clients against hostile servers', function () {
  this.timeout(20000);
  after(() => figures.print());
  let server: HostileServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe('node cli/client.js over TCP', () => {
    it('prints only right answers against a server that sends garbage, binary, over-long, extra, split, cut, late and reordered replies', async () => {
      server = await startHostileTcpServer(Object.keys(TCP_MOVES), 3);
      const lines = requestLines(18);
      const answered = await expectOnlyRightAnswers(['--port', String(server.port), '--timeout', '0.1', '--expb', '--max-timeout', '0.2'], lines);
      figures.add('CLI over TCP', `${answered} of ${lines.length} answered, ${server.requests()} requests read`);
      expect(answered, 'some requests answered (a bad reply ends a request unless it is a timeout or a broken connection)').to.be.greaterThan(3);
      expect(server.requests()).to.be.greaterThan(lines.length);
    });

    // Regression (fixed in 23d1b66): a short `200,1e999` passed the TCP client's isReply
    // (parseReply), so the CLI printed it as the answer to "+,2,1".
    it('never prints a non-finite "answer" from a TCP server', async () => {
      server = await startHostileTcpServer(['infinite'], 1, TCP_NON_ANSWERS);
      await expectOnlyRightAnswers(['--port', String(server.port), '--timeout', '0.1'], requestLines(3));
    });
  });

  describe('node cli/client.js over UDP', () => {
    it('prints only right answers against a server that sends garbage first, duplicates, replies from another port, drops and late replies', async () => {
      server = await startHostileUdpServer(UDP_MOVES, 5);
      const lines = requestLines(18);
      const answered = await expectOnlyRightAnswers(['--udp', '--port', String(server.port), '--timeout', '0.05', '--expb', '--max-timeout', '0.2'], lines);
      figures.add('CLI over UDP', `${answered} of ${lines.length} answered, ${server.requests()} datagrams read`);
      expect(answered).to.be.greaterThan(14);
    });

    // Regression (fixed in 23d1b66): parseReply took `200,1e999` and a 10,000-digit number (value
    // Infinity) as replies, so the UDP client and the CLI printed them instead of the real answer.
    // (UDP has no reply length limit: a datagram is at most 64 KiB, and a well-formed but wrong
    // finite answer, however long, is a lie no client can detect.)
    it('never prints a non-finite or 10,000-digit "answer" from a UDP server', async () => {
      server = await startHostileUdpServer(UDP_NON_ANSWERS, 9);
      await expectOnlyRightAnswers(['--udp', '--port', String(server.port), '--timeout', '0.1'], requestLines(6));
    });
  });

  describe('createCalcClient over TCP, pipelining (sessions 2, maxInFlight 8)', () => {
    it('never emits a wrong answer to 200 concurrent requests against a server that sends garbage, binary, over-long and cut replies', async () => {
      // Replies stay in request order here: with several requests in flight on one connection the
      // protocol has no way to tell a reordered or duplicated well-formed reply (docs/reliability.md).
      server = await startHostileTcpServer([...Array.from({ length: 12 }, () => 'right'), 'garbage', 'binary', 'notANumber', 'overlong', 'cutByFin'], 13);
      const client = createCalcClient({
        transport: 'tcp',
        port: server.port,
        retry: { initial: 100, max: 400 },
        tcp: { sessions: 2, maxInFlight: 8, replyGap: 0, reconnect: { initial: 1, max: 200 } },
      });
      try {
        const lines = requestLines(200);
        const outcomes = await Promise.allSettled(lines.map((line) => firstValueFrom(client.request(line))));
        let answered = 0;
        outcomes.forEach((outcome, i) => {
          if (outcome.status === 'fulfilled') {
            answered += 1;
            expect(outcome.value.text, lines[i]).to.equal(answer(lines[i] ?? ''));
          }
        });
        figures.add('createCalcClient, pipelining', `${answered} of ${lines.length} answered, ${server.requests()} requests read`);
        expect(answered).to.be.greaterThan(50);
      } finally {
        await client.close();
      }
    });
  });
});
