import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { map, pipe, type OperatorFunction, type Subscription } from 'rxjs';
import type { Frame } from '../../lib/framing/Frame.js';
import { calcPipeline, type CalcPipelineOptions } from '../../lib/calc/server/calcPipeline.js';
import { CUT, DROP, fusedStepOf } from '../../lib/server/fusedStep.js';
import { serveTcp } from '../../lib/server/serveTcp.js';
import { serveUdp } from '../../lib/server/serveUdp.js';
import { ServerStats } from '../../lib/server/ServerStats.js';
import { seededRandom, sleep } from '../helpers/udpPeer.js';

/** Valid, invalid, arithmetic errors, blanks, CRLF, an over-long line: the chunks are cut mid-line on purpose. */
const LINES = ['+,1,1', 'x', '/,1,0', ' * , 6 , 7 ', '', '^,2,10\r', '-,1e308,-1e308', `+,${'1'.repeat(1500)},1`, '%,7,3', '+,1,2,3'];
const STREAM = Array.from({ length: 6 }, () => LINES.map((l) => `${l}\n`).join('')).join('') + '*,2,';
const CHUNKS = [STREAM.slice(0, 7), STREAM.slice(7, 1000), STREAM.slice(1000, 1003), STREAM.slice(1003)];

/** The same operators composed by hand: an ordinary RxJS chain, never fused. */
const userChain = (options: CalcPipelineOptions): OperatorFunction<Frame, string> => pipe(map((frame: Frame) => frame), calcPipeline(options));

/** Every counter but latency. */
const counters = (stats: ServerStats): unknown => ({ ...stats.snapshot(), latencyMicros: undefined, latency: undefined });

/** Serves `pipeline` over TCP, sends CHUNKS (a pause between them), half-closes, returns all it got until the server closed. */
async function overTcp(pipeline: OperatorFunction<Frame, string>, stats: ServerStats): Promise<string> {
  let subscription: Subscription | undefined;
  const port = await new Promise<number>((resolve) => {
    subscription = serveTcp({ port: 0, maxLineLength: 1024, stats, onListening: (a) => resolve(a.port) }, pipeline).subscribe();
  });
  try {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {}); // a cut may reset the writes that follow it
    let got = '';
    socket.on('data', (data) => (got += data.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    for (const chunk of CHUNKS) {
      if (!socket.writable) break;
      socket.write(chunk);
      await sleep(15);
    }
    if (socket.writable) socket.end();
    await closed;
    return got;
  } finally {
    subscription?.unsubscribe();
  }
}

/** Serves `pipeline` over UDP, sends each of LINES (and a CRLF one) as a datagram, returns the replies in order. */
async function overUdp(pipeline: OperatorFunction<Frame, string>, stats: ServerStats): Promise<string[]> {
  let subscription: Subscription | undefined;
  const port = await new Promise<number>((resolve) => {
    subscription = serveUdp({ port: 0, maxDatagramSize: 1024, stats, onListening: (a) => resolve(a.port) }, pipeline).subscribe();
  });
  const client = createSocket('udp4');
  try {
    const got: string[] = [];
    let received = 0;
    client.on('message', (data) => {
      received += 1;
      got.push(data.toString('utf8'));
    });
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    // One at a time, so the replies' order is the requests' order; a dropped one is waited out.
    for (const line of [...LINES, '+,2,2\r\n', '+,3,3\n']) {
      const before = stats.requests;
      client.send(line, port, '127.0.0.1');
      for (let i = 0; i < 100 && (stats.requests === before || received < stats.replies); i += 1) await sleep(2);
      got.push('|');
    }
    return got;
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
    subscription?.unsubscribe();
  }
}

describe('the fused calc pipeline (issue 12)', () => {
  it('carries a fused step, which a pipeline composed with it inside pipe(...) does not', () => {
    expect(fusedStepOf(calcPipeline())).to.be.a('function');
    expect(fusedStepOf(userChain({}))).to.equal(undefined);
  });

  it('steps each frame to its reply, the cut or drop marker on a lost roll, and counts invalid ones', () => {
    const stats = new ServerStats();
    const step = fusedStepOf(calcPipeline({ stats })) as NonNullable<ReturnType<typeof fusedStepOf>>;
    expect([step('+,1,1'), step('x'), step({ overlong: true, limit: 1024 }), step('/,1,0')]).to.deep.equal(['200,2', '300,-1', '300,-1', '300,-1']);
    expect(stats.invalid).to.equal(3);
    const rolls = [0.1, 0.9];
    const random = (): number => rolls.shift() ?? 0;
    const cut = fusedStepOf(calcPipeline({ success: 0.5, random })) as NonNullable<ReturnType<typeof fusedStepOf>>;
    expect([cut('+,1,1'), cut('+,1,1')]).to.deep.equal(['200,2', CUT]);
    rolls.push(0.9);
    const drop = fusedStepOf(calcPipeline({ success: 0.5, random, transport: 'udp' })) as NonNullable<ReturnType<typeof fusedStepOf>>;
    expect(drop('+,1,1')).to.equal(DROP);
  });

  for (const success of [1, 0.7]) {
    it(`gives over TCP the bytes and counters of the same operators run through RxJS, success ${success}`, async () => {
      const fusedStats = new ServerStats();
      const userStats = new ServerStats();
      const fused = await overTcp(calcPipeline({ success, random: seededRandom(7), stats: fusedStats }), fusedStats);
      const user = await overTcp(userChain({ success, random: seededRandom(7), stats: userStats }), userStats);
      expect(fused).to.equal(user);
      expect(counters(fusedStats)).to.deep.equal(counters(userStats));
      if (success === 1) {
        expect(fused.startsWith('200,2\n300,-1\n300,-1\n200,42\n300,-1\n200,1024\n300,-1\n300,-1\n200,1\n300,-1\n')).to.equal(true);
        expect(fusedStats.replies).to.equal(61); // six times ten lines, and the unterminated last one at the end
      } else {
        expect(fusedStats.dropped).to.equal(1); // the seed cuts the connection part way
        expect(fusedStats.replies).to.be.below(60);
      }
    });

    it(`gives over UDP the replies and counters of the same operators run through RxJS, success ${success}`, async () => {
      const fusedStats = new ServerStats();
      const userStats = new ServerStats();
      const transport = 'udp';
      const fused = await overUdp(calcPipeline({ success, transport, random: seededRandom(11), stats: fusedStats }), fusedStats);
      const user = await overUdp(userChain({ success, transport, random: seededRandom(11), stats: userStats }), userStats);
      expect(fused).to.deep.equal(user);
      expect(counters(fusedStats)).to.deep.equal(counters(userStats));
      if (success === 1) expect(fused.filter((r) => r !== '|')).to.have.length(12);
      else expect(fusedStats.dropped).to.be.greaterThan(0);
    });
  }
});

describe('the fused calc pipeline when its step throws (issue 12)', () => {
  const throwing = (): number => {
    throw new Error('random failed');
  };

  it('destroys that TCP connection alone, counts the error and reports it', async () => {
    const stats = new ServerStats();
    const errors: unknown[] = [];
    let subscription: Subscription | undefined;
    const port = await new Promise<number>((resolve) => {
      subscription = serveTcp(
        { port: 0, stats, onListening: (a) => resolve(a.port), onConnectionError: (err) => errors.push(err) },
        calcPipeline({ success: 0.5, random: throwing }),
      ).subscribe();
    });
    try {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write('+,1,1\n');
      await closed;
      expect(stats.errors).to.equal(1);
      expect(errors.map((e) => (e as Error).message)).to.deep.equal(['random failed']);
    } finally {
      subscription?.unsubscribe();
    }
  });

  it('reports the failing UDP datagram and goes on', async () => {
    const stats = new ServerStats();
    const errors: unknown[] = [];
    let subscription: Subscription | undefined;
    const port = await new Promise<number>((resolve) => {
      subscription = serveUdp(
        { port: 0, stats, onListening: (a) => resolve(a.port), onDatagramError: (err) => errors.push(err) },
        calcPipeline({ success: 0.5, random: throwing }),
      ).subscribe();
    });
    const client = createSocket('udp4');
    try {
      client.send('+,1,1', port, '127.0.0.1');
      client.send('+,1,1', port, '127.0.0.1');
      for (let i = 0; i < 100 && errors.length < 2; i += 1) await sleep(2);
      expect(stats.errors).to.equal(2);
      expect(stats.requests).to.equal(2);
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
      subscription?.unsubscribe();
    }
  });
});
