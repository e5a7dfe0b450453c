import { expect } from 'chai';
import fc from 'fast-check';
import { ERROR_REPLY, encodeOutcome, evaluateRequest, parseRequest, startServer, type RunningServer } from '../../lib/index.js';
import { startBaselineServer } from '../../bench/baselineServer.js';
import { answer, startPlainNodeServer } from '../../bench/plainNodeServer.js';
import type { BenchServer, BenchServerOptions } from '../../bench/serverProcess.js';
import { startUserPipelineServer } from '../../bench/userPipelineServer.js';
import { check } from '../property/fastCheck.js';
import { tcpExchange, udpExchange } from './exchange.js';

/** rxnet's reply to one line, from its pure functions. */
const rxnetAnswer = (line: string): string => {
  const parsed = parseRequest(line);
  return parsed.ok ? encodeOutcome(evaluateRequest(parsed.request)) : ERROR_REPLY;
};

const LIMIT = 4096;
/** A valid line of exactly `length` bytes: `+,1,` then zeros then `1`, which is 1 + 1. */
const validLineOf = (length: number): string => `+,1,${'0'.repeat(length - 5)}1`;

/** Lines (with their terminators) and the reply rxnet gives each, as the protocol says. */
const TCP_CASES: readonly (readonly [string, string])[] = [
  ['+,1,1\r\n', '200,2'],
  ['\n', '300,-1'],
  [`${'9'.repeat(5000)}\n`, '300,-1'],
  ['*,6,7\n', '200,42'],
  ['x\n', '300,-1'],
  ['/,1,0\n', '300,-1'],
  ['+,0.1,0.2\n', '200,0.30000000000000004'],
  ['+,.5,.25\n', '200,0.75'],
  ['*,5.,2\n', '200,10'],
  ['+,5.e2,0\n', '200,500'],
  ['+,-.5,+.5e1\n', '200,4.5'],
  ['+,.,1\n', '300,-1'],
  ['+,e5,1\n', '300,-1'],
  ['+,+.,1\n', '300,-1'],
  ['*,0,-1\n', '200,0'],
  ['-,0,0\n', '200,0'],
  ['^,10,400\n', '300,-1'],
  ['^,-8,0.5\n', '300,-1'],
  ['%,1,0\n', '300,-1'],
  ['%,1,1e999\n', '300,-1'],
  ['+,1e-400,1\n', '200,1'],
  ['*,1e20,10\n', '200,1e+21'],
  ['-,1e-7,0\n', '200,1e-7'],
  [' * , 6 ,\t7 \n', '200,42'],
  ['+,1,1,\n', '300,-1'],
  ['++,1,1\n', '300,-1'],
  ['+,1\r,1\n', '300,-1'],
  ['+,1,1\r\r\n', '300,-1'],
  ['+,0x10,1\n', '300,-1'],
  ['+,Infinity,1\n', '300,-1'],
  ['+,1,NaN\n', '300,-1'],
  ['+,1_000,1\n', '300,-1'],
  ['+,\u00e9,1\n', '300,-1'],
  ['+,\u0661,1\n', '300,-1'],
  ['+,1,\u00a01\n', '300,-1'],
  [`${validLineOf(LIMIT)}\n`, '200,2'],
  [`${validLineOf(LIMIT)}\r\n`, '200,2'],
  [`${validLineOf(LIMIT + 1)}\n`, '300,-1'],
  ['-,1,1', '200,0'], // the last line, unterminated: answered when the client ends its side
];

const UDP_CASES: readonly (readonly [string, string])[] = [
  ['+,1,1', '200,2'],
  ['+,1,1\n', '200,2'],
  ['+,1,1\r\n', '200,2'],
  ['+,1,1\r', '300,-1'],
  ['+,1,1\n\n', '300,-1'],
  ['', '300,-1'],
  ['\n', '300,-1'],
  ['\r\n', '300,-1'],
  [`+,1,${'1'.repeat(5000)}`, '300,-1'],
  [validLineOf(LIMIT), '200,2'],
  [`${validLineOf(LIMIT)}\r\n`, '200,2'],
  [validLineOf(LIMIT + 1), '300,-1'],
  ['^,2,0.5\n', '200,1.4142135623730951'],
  ['%,1,0', '300,-1'],
  ['*,0,-1', '200,0'],
  ['+,.5,.25', '200,0.75'],
  ['*,5.,2', '200,10'],
  ['+,.,1', '300,-1'],
  ['/,1,0', '300,-1'],
  ['+,\u00e9,1', '300,-1'],
];

type Starter = (options: BenchServerOptions) => Promise<BenchServer>;
const options = (transport: 'tcp' | 'udp'): BenchServerOptions => ({ transport, host: '127.0.0.1', port: 0, maxLineLength: LIMIT });

/** Starts rxnet's server and `others`, runs `exchange` on each; resolves with rxnet's output and theirs. */
async function compare<T>(transport: 'tcp' | 'udp', others: readonly Starter[], exchange: (port: number) => Promise<T>): Promise<{ rxnet: T; others: T[] }> {
  const started: (BenchServer | RunningServer)[] = [];
  try {
    const rxnet = await startServer({ transport, port: 0 });
    started.push(rxnet);
    const servers = await Promise.all(others.map((start) => start(options(transport))));
    started.push(...servers);
    return { rxnet: await exchange(rxnet.address.port), others: await Promise.all(servers.map((server) => exchange(server.address.port))) };
  } finally {
    await Promise.all(started.map((server) => server.close()));
  }
}

/** Text for the wire: latin1 would turn U+0661 into one byte, so encode as UTF-8, as a client would. */
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('plainNodeServer (the baseline sharing no code with rxnet)', () => {
  describe('#answer', () => {
    it('answers each protocol case as the protocol says', () => {
      for (const [line, reply] of UDP_CASES.filter(([text]) => !/[\r\n]/.test(text) && text.length <= LIMIT)) {
        expect(answer(line), JSON.stringify(line)).to.equal(reply);
      }
    });

    it("gives rxnet's reply for random request-like lines", () => {
      const piece = fc.constantFrom('+', '-', '*', '/', '%', '^', ',', ',', ' ', '\t', '.', 'e', 'E', '0', '1', '5', '9', '-', '+', 'x', '\r', '\u00a0', '\u0661');
      const line = fc.oneof(
        fc.array(piece, { maxLength: 14 }).map((chars) => chars.join('')),
        fc.tuple(fc.constantFrom('+', '-', '*', '/', '%', '^', ' ^ '), fc.double(), fc.double()).map(([op, a, b]) => `${op},${a},${b}`),
        fc.tuple(fc.constantFrom('+', '*', '^', '/'), fc.stringMatching(/^[+-]?\d{0,3}\.?\d{0,3}(e[+-]?\d{1,3})?$/), fc.stringMatching(/^ ?[+-]?\.?\d{1,3}\.?$/)).map(([op, a, b]) => `${op},${a},${b}`),
      );
      check(fc.property(line, (text) => answer(text) === rxnetAnswer(text)), 3000);
    });
  });

  describe('over TCP', () => {
    it('gives byte-identical replies to rxnet, the reusing baseline and the user pipeline for valid, invalid, CRLF, empty, over-long and unterminated lines', async () => {
      const input = utf8(TCP_CASES.map(([line]) => line).join(''));
      const { rxnet, others } = await compare('tcp', [startPlainNodeServer, startBaselineServer, startUserPipelineServer], (port) => tcpExchange(port, [input]));
      expect(rxnet).to.equal(TCP_CASES.map(([, reply]) => `${reply}\n`).join(''));
      expect(others).to.deep.equal([rxnet, rxnet, rxnet]);
    });

    it('answers an over-long line that arrives in several reads once, then goes on with the next line', async () => {
      const parts = ['+,1,1\n', '7'.repeat(3000), '7'.repeat(3000), '7\n*,2,3\n', '9'.repeat(5000)];
      const { rxnet, others } = await compare('tcp', [startPlainNodeServer, startBaselineServer], (port) => tcpExchange(port, parts, 30));
      expect(rxnet).to.equal('200,2\n300,-1\n200,6\n300,-1\n');
      expect(others).to.deep.equal([rxnet, rxnet]);
    });

    it('joins a request split across reads, its CRLF included, and allows a longest line whose \\r ends a read', async () => {
      const parts = ['+,1', '2,3\r', '\n/,', '1,4\n', `${validLineOf(LIMIT)}\r`, '\n'];
      const { rxnet, others } = await compare('tcp', [startPlainNodeServer], (port) => tcpExchange(port, parts, 30));
      expect(rxnet).to.equal('200,15\n200,0.25\n200,2\n');
      expect(others).to.deep.equal([rxnet]);
    });
  });

  describe('over UDP', () => {
    it('gives byte-identical replies to rxnet and the reusing baseline for each datagram', async () => {
      const payloads = UDP_CASES.map(([payload]) => utf8(payload));
      const { rxnet, others } = await compare('udp', [startPlainNodeServer, startBaselineServer], (port) => udpExchange(port, payloads));
      expect(rxnet).to.deep.equal(UDP_CASES.map(([, reply]) => `${reply}\n`));
      expect(others).to.deep.equal([rxnet, rxnet]);
    });
  });
});
