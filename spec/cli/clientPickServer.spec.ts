import { expect } from 'chai';
import { EMPTY, NEVER, Observable, of, startWith } from 'rxjs';
import type { DiscoveredService } from '../../lib/index.js';
import { pickServer, type PickIo } from '../../cli/src/clientPickServer.js';
import { UsageError } from '../../cli/src/runMain.js';

function found(location: string): DiscoveredService {
  const [, transport, host, port] = /^(tcp|udp):\/\/(.+):(\d+)$/.exec(location) ?? [];
  return {
    location,
    transport: transport as 'tcp' | 'udp',
    host: host ?? '',
    port: Number(port),
    usn: `uuid:${location}`,
    server: 'test',
    st: 'urn:rxnet:service:calc:1',
    maxAge: 1800,
    via: 'search',
    from: { address: host ?? '', port: 1900, family: 'IPv4' },
  };
}

const A = found('tcp://127.0.0.1:9000');
const B = found('udp://127.0.0.1:9001');

/** An io that records stderr lines and answers the questions from `answers` (undefined: end of input). */
function recorder(answers?: Array<string | undefined>): PickIo & { lines: string[]; questions: string[] } {
  const lines: string[] = [];
  const questions: string[] = [];
  return {
    lines,
    questions,
    err: (line) => lines.push(line),
    ask:
      answers === undefined
        ? undefined
        : (question) => {
            questions.push(question);
            return Promise.resolve(answers.shift());
          },
  };
}

describe('pickServer (client --discover)', () => {
  it('with first, takes the first to answer without waiting for the window to end', async () => {
    const io = recorder();
    const picked = await pickServer(NEVER.pipe(startWith(A, B)) as Observable<DiscoveredService>, { first: true, windowS: 3 }, io);
    expect(picked).to.equal(A);
    expect(io.lines).to.deep.equal(['[1] tcp://127.0.0.1:9000', 'rxnet client: using tcp://127.0.0.1:9000']);
  });

  it('takes the only server that answered, with or without a terminal', async () => {
    const io = recorder();
    expect(await pickServer(of(B), { first: false, windowS: 3 }, io)).to.equal(B);
    expect(io.lines).to.deep.equal(['[1] udp://127.0.0.1:9001', 'rxnet client: using udp://127.0.0.1:9001']);
  });

  it('says in one line that no server answered, and resolves with undefined', async () => {
    for (const first of [true, false]) {
      const io = recorder(['1']);
      expect(await pickServer(EMPTY, { first, windowS: 3 }, io)).to.equal(undefined);
      expect(io.lines).to.deep.equal(['rxnet client: no server answered within 3 s']);
      expect(io.questions).to.deep.equal([]);
    }
  });

  it('is a usage error when several answered, no terminal can ask, and --first was not given', async () => {
    const io = recorder();
    const err: unknown = await pickServer(of(A, B), { first: false, windowS: 2 }, io).catch((e: unknown) => e);
    expect(err).to.be.an.instanceOf(UsageError);
    expect((err as Error).message).to.equal('2 servers answered; pick one with --first, or run in a terminal to choose');
    expect(io.lines).to.deep.equal(['[1] tcp://127.0.0.1:9000', '[2] udp://127.0.0.1:9001']);
  });

  it('on a terminal, asks until the answer is the number of one of the servers', async () => {
    const io = recorder(['', 'b', '0', '3', ' 2 ']);
    expect(await pickServer(of(A, B), { first: false, windowS: 2 }, io)).to.equal(B);
    expect(io.questions).to.deep.equal(Array(5).fill('Pick a server (1-2): '));
    expect(io.lines).to.deep.equal([
      '[1] tcp://127.0.0.1:9000',
      '[2] udp://127.0.0.1:9001',
      'rxnet client: "" is not one of 1-2',
      'rxnet client: "b" is not one of 1-2',
      'rxnet client: "0" is not one of 1-2',
      'rxnet client: "3" is not one of 1-2',
      'rxnet client: using udp://127.0.0.1:9001',
    ]);
  });

  it('resolves with undefined, saying so, when the input ends instead of a pick', async () => {
    const io = recorder([undefined]);
    expect(await pickServer(of(A, B), { first: false, windowS: 2 }, io)).to.equal(undefined);
    expect(io.lines.at(-1)).to.equal('rxnet client: no server picked');
  });
});
