import { expect } from 'chai';
import sinon from 'sinon';
import { firstValueFrom, from, lastValueFrom, mergeMap, map, catchError, of, toArray } from 'rxjs';
import type { RxnetError } from '../../lib/errors.js';
import { ERR_RXNET_CONNECTION, ERR_RXNET_TIMEOUT, RxnetConnectionError, RxnetTimeoutError, isTransientError } from '../../lib/errors.js';
import { PROCESS_RECENT_PORTS, RecentPorts } from '../../lib/client/RecentPorts.js';
import { udpRequest } from '../../lib/client/udpRequest.js';
import { CALC_DATAGRAM_CODEC, calcReplyOf } from '../../lib/calc/client/calcClientCodecs.js';

/** What the calc client gives udpRequest: its bare-line datagrams and its reply check. */
const CALC = { codec: CALC_DATAGRAM_CODEC, reply: calcReplyOf } as const;
import { startServer } from '../../lib/calc/server/startServer.js';
import { closedUdpPort, openUdpSockets, seededRandom, sleep, startUdpPeer, udpSocketsSettleTo, closeAllPeers } from '../helpers/udpPeer.js';
import { seedAnswer, startFakeSeedServer } from '../helpers/fakeSeedServer.js';

/** Resolves with the request's error (or fails the test if it answered). */
function errorOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`expected an error, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err as Error,
  );
}

/** What a request has come to so far: pending, or its reply or error. */
interface Outcome {
  value?: unknown;
  error?: Error;
  settled: boolean;
}

/** Subscribes to a promise and records its outcome as it settles, so a test can look at it between ticks. */
function track(promise: Promise<unknown>): Outcome {
  const outcome: Outcome = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { value, settled: true }),
    (error: unknown) => Object.assign(outcome, { error: error as Error, settled: true }),
  );
  return outcome;
}

/**
 * Resolves once `done()` holds, polling with setImmediate (which the fake clock leaves alone), so
 * it waits for real socket I/O while timers are fake. Fails the test after `guardMs` of real time.
 */
async function ioUntil(done: () => boolean, what: string, guardMs = 5000): Promise<void> {
  const deadline = performance.now() + guardMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`still waiting for ${what} after ${guardMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('udpRequest', () => {
  afterEach(closeAllPeers);

  it('emits the reply of an rxnet UDP server and completes', async () => {
    await using server = await startServer({ transport: 'udp', port: 0 });
    const replies = await lastValueFrom(udpRequest('*,6,7', { ...CALC, port: server.address.port, retry: { initial: 200 } }).pipe(toArray()));
    expect(replies).to.deep.equal([{ code: 200, value: 42, text: '200,42' }]);
  });

  it('gets 300,-1 for an invalid request, as an answer', async () => {
    await using server = await startServer({ transport: 'udp', port: 0 });
    const reply = await firstValueFrom(udpRequest('/,1,0', { ...CALC, port: server.address.port, retry: { initial: 200 } }));
    expect(reply).to.deep.equal({ code: 300, value: -1, text: '300,-1' });
  });

  it('works against the original seed server (bare request, reply without newline)', async () => {
    const seed = await startFakeSeedServer('udp');
    try {
      const reply = await firstValueFrom(udpRequest('+,1,1', { ...CALC, port: seed.port, retry: { initial: 200 } }));
      expect(reply.text).to.equal('200,2');
      expect(seed.requests).to.deep.equal(['+,1,1']);
    } finally {
      await seed.close();
    }
  });

  // Fake timers (and Date, which asyncScheduler.now() reads) give the exact schedule over a real
  // socket: the copies' times come from onSend, the error's elapsedMs from the scheduler's now().
  describe('on a fake clock', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    });
    afterEach(() => clock.restore());

    /** Starts `line` against `port`, recording when (on the fake clock) each copy went out. */
    function start(port: number, retry: object): { outcome: Outcome; sentAt: number[] } {
      const sentAt: number[] = [];
      const t0 = Date.now();
      const outcome = track(firstValueFrom(udpRequest('+,1,1', { ...CALC, port, retry, onSend: () => sentAt.push(Date.now() - t0) })));
      return { outcome, sentAt };
    }

    it('sends 4 copies from one socket at 0, 50, 150 and 350 ms, then gives up with an RxnetTimeoutError at 750 ms', async () => {
      const peer = await startUdpPeer();
      const { outcome, sentAt } = start(peer.port, { initial: 50, max: 400 });
      await ioUntil(() => sentAt.length === 1, 'the first copy');
      await clock.tickAsync(749);
      expect(outcome.settled, 'settled before 750 ms').to.equal(false);
      await clock.tickAsync(1);
      expect(sentAt).to.deep.equal([0, 50, 150, 350]);
      const err = outcome.error as RxnetTimeoutError;
      expect(err).to.be.an.instanceOf(RxnetTimeoutError);
      expect(err.code).to.equal(ERR_RXNET_TIMEOUT);
      expect(err.message).to.equal('Timed out after 4 attempts in 750 ms');
      expect(err.info).to.deep.equal({ attempts: 4, elapsedMs: 750 });
      await ioUntil(() => peer.received.length === 4, 'four copies at the peer');
      expect(peer.received.map((d) => d.text)).to.deep.equal(['+,1,1', '+,1,1', '+,1,1', '+,1,1']);
      expect(new Set(peer.received.map((d) => d.from.port)).size).to.equal(1);
      await peer.close();
    });

    it('sends one copy and gives up after the timeout when retry is false', async () => {
      const peer = await startUdpPeer();
      const { outcome, sentAt } = start(peer.port, { initial: 60, retry: false });
      await ioUntil(() => sentAt.length === 1, 'the copy');
      await clock.tickAsync(59);
      expect(outcome.settled, 'settled before 60 ms').to.equal(false);
      await clock.tickAsync(1);
      expect(outcome.error?.message).to.equal('Timed out after 1 attempt in 60 ms');
      expect((outcome.error as RxnetTimeoutError).info).to.deep.equal({ attempts: 1, elapsedMs: 60 });
      await clock.tickAsync(5000);
      expect(sentAt).to.deep.equal([0]);
      await ioUntil(() => peer.received.length === 1, 'the copy at the peer');
      await peer.close();
    });

    it('sends nothing more once unsubscribed, and closes its socket', async () => {
      const baseline = openUdpSockets();
      const peer = await startUdpPeer();
      const sentAt: number[] = [];
      const subscription = udpRequest('+,1,1', { ...CALC, port: peer.port, retry: { initial: 40, max: 1000 }, onSend: () => sentAt.push(Date.now()) }).subscribe();
      await ioUntil(() => sentAt.length === 1, 'the first copy');
      await clock.tickAsync(40);
      expect(sentAt).to.have.length(2);
      subscription.unsubscribe();
      await clock.tickAsync(2000); // the third copy was due 80 ms after the second
      expect(sentAt).to.have.length(2);
      await ioUntil(() => peer.received.length === 2, 'two copies at the peer');
      expect(await udpSocketsSettleTo(baseline + 1)).to.equal(true);
      await peer.close();
    });

    it('takes a late reply to an earlier copy of the same request as its answer, and sends nothing after it', async () => {
      const peer = await startUdpPeer();
      const sentAt: number[] = [];
      const outcome = track(firstValueFrom(udpRequest('+,2,3', { ...CALC, port: peer.port, retry: { initial: 50, max: 400 }, onSend: () => sentAt.push(Date.now()) })));
      await ioUntil(() => peer.received.length === 1, 'copy 1 at the peer');
      await clock.tickAsync(50);
      await ioUntil(() => peer.received.length === 2, 'copy 2 at the peer');
      const copy1 = peer.received[0] as (typeof peer.received)[number];
      peer.send(seedAnswer(copy1.text), copy1.from); // copy 1's answer, after copy 2 went out
      await ioUntil(() => outcome.settled, 'the answer');
      expect((outcome.value as { text: string }).text).to.equal('200,5');
      await clock.tickAsync(2000);
      expect(sentAt).to.have.length(2);
      await peer.close();
    });

    it('fails at once with a transient RxnetConnectionError when nothing listens (ECONNREFUSED) and retry is false', async () => {
      const port = await closedUdpPort();
      const { outcome } = start(port, { initial: 1000, retry: false });
      // No fake time passes: the error comes from the socket, not from a timeout.
      await ioUntil(() => outcome.settled, 'the error');
      const err = outcome.error as RxnetConnectionError;
      expect(err).to.be.an.instanceOf(RxnetConnectionError);
      expect(err.code).to.equal(ERR_RXNET_CONNECTION);
      expect(err.message).to.equal(`Nothing is listening at udp://127.0.0.1:${port} (ECONNREFUSED)`);
      expect(err.info).to.deep.equal({ address: `udp://127.0.0.1:${port}`, syscallCode: 'ECONNREFUSED' });
      expect(isTransientError(err)).to.equal(true);
    });

    it('retries ECONNREFUSED when the attempt\'s wait has run out, then passes it through', async () => {
      const port = await closedUdpPort();
      const { outcome, sentAt } = start(port, { initial: 20, max: 40 });
      await ioUntil(() => sentAt.length === 1, 'the first copy');
      await clock.tickAsync(19);
      expect(sentAt).to.deep.equal([0]);
      await clock.tickAsync(1);
      expect(sentAt).to.deep.equal([0, 20]);
      await ioUntil(() => outcome.settled, 'the error');
      expect(outcome.error).to.be.an.instanceOf(RxnetConnectionError);
      expect((outcome.error as RxnetError).code).to.equal(ERR_RXNET_CONNECTION);
    });
  });

  describe('against a silent peer, on real timers (a smoke test)', () => {
    it('gives up after its attempts with an RxnetTimeoutError', async () => {
      const peer = await startUdpPeer();
      const err = await errorOf(firstValueFrom(udpRequest('+,1,1', { ...CALC, port: peer.port, retry: { initial: 20, max: 40 } })));
      expect(err).to.be.an.instanceOf(RxnetTimeoutError);
      expect((err as RxnetTimeoutError).info.attempts).to.equal(2);
      expect(err.message).to.match(/^Timed out after 2 attempts in \d+ ms$/);
      await ioUntil(() => peer.received.length === 2, 'two copies at the peer');
      await peer.close();
    });
  });

  describe('correlation', () => {
    it('ignores garbage and takes the first valid reply once, however many duplicates follow', async () => {
      const peer = await startUdpPeer((d, self) => {
        for (const junk of ['', 'hello', '200,', '200,abc', '400,1', '300,-2']) self.send(junk, d.from);
        for (let i = 0; i < 3; i += 1) self.send('200,7\n', d.from);
      });
      const replies = await lastValueFrom(udpRequest('+,3,4', { ...CALC, port: peer.port, retry: { initial: 200 } }).pipe(toArray()));
      expect(replies).to.deep.equal([{ code: 200, value: 7, text: '200,7' }]);
      await peer.close();
    });

    it('ignores a reply sent from another port than the server\'s', async () => {
      const other = await startUdpPeer();
      const peer = await startUdpPeer((d) => other.send(seedAnswer(d.text), d.from));
      const err = await errorOf(firstValueFrom(udpRequest('+,1,1', { ...CALC, port: peer.port, retry: { initial: 40, max: 80 } })));
      expect(err).to.be.an.instanceOf(RxnetTimeoutError);
      expect(peer.received).to.have.length(2);
      await peer.close();
      await other.close();
    });

    it('never takes a late reply to an earlier request for the answer to the next one', async () => {
      // Request A gets no timely answer; its first copy is answered late, after the client moved
      // on to B, and before B's own (slow) answer. A single shared socket would print A's answer for B.
      const peer = await startUdpPeer((d, self) => {
        if (d.text === '+,1,1' && peer.received.filter((r) => r.text === '+,1,1').length === 1) {
          setTimeout(() => self.send(seedAnswer(d.text), d.from), 130);
        }
        if (d.text === '+,2,2') setTimeout(() => self.send(seedAnswer(d.text), d.from), 80);
      });
      const recentPorts = new RecentPorts();
      const a = await errorOf(firstValueFrom(udpRequest('+,1,1', { ...CALC, port: peer.port, retry: { initial: 30, max: 60 }, recentPorts })));
      expect(a).to.be.an.instanceOf(RxnetTimeoutError);
      const b = await firstValueFrom(udpRequest('+,2,2', { ...CALC, port: peer.port, retry: { initial: 200 }, recentPorts }));
      expect(b.text).to.equal('200,4');
      const portsOfA = new Set(peer.received.filter((r) => r.text === '+,1,1').map((r) => r.from.port));
      const portsOfB = new Set(peer.received.filter((r) => r.text === '+,2,2').map((r) => r.from.port));
      expect([...portsOfA].some((port) => portsOfB.has(port))).to.equal(false);
      await sleep(60); // let A's late reply go out to its closed port
      await peer.close();
    });

    it('keeps every request off the process\'s recent ports when given none of its own', async () => {
      const peer = await startUdpPeer((d, self) => self.send(seedAnswer(d.text), d.from));
      const first = await firstValueFrom(udpRequest('+,1,1', { ...CALC, port: peer.port, retry: { initial: 200 } }));
      expect(first.text).to.equal('200,2');
      const portOfFirst = peer.received[0]?.from.port ?? -1;
      expect(PROCESS_RECENT_PORTS.has(portOfFirst)).to.equal(true);
      // The next request's first socket lands on a recent port (here, as if on the first's).
      const has = sinon.stub(PROCESS_RECENT_PORTS, 'has');
      has.onFirstCall().returns(true).returns(false);
      let opened = 0;
      try {
        const second = await firstValueFrom(udpRequest('+,2,2', { ...CALC, port: peer.port, retry: { initial: 200 }, onSocketOpened: () => (opened += 1) }));
        expect(second.text).to.equal('200,4');
      } finally {
        has.restore();
      }
      expect(opened).to.equal(2);
      await peer.close();
    });

    it('draws another port when the fresh socket lands on a recently used one', async () => {
      const peer = await startUdpPeer((d, self) => self.send(seedAnswer(d.text), d.from));
      const recentPorts = new RecentPorts();
      const has = sinon.stub(recentPorts, 'has');
      has.onFirstCall().returns(true).onSecondCall().returns(true).returns(false);
      let opened = 0;
      const reply = await firstValueFrom(
        udpRequest('+,1,1', { ...CALC, port: peer.port, recentPorts, retry: { initial: 200 }, onSocketOpened: () => (opened += 1) }),
      );
      expect(reply.text).to.equal('200,2');
      expect(opened).to.equal(3);
      expect(peer.received).to.have.length(1);
      has.restore();
      expect(recentPorts.has(peer.received[0]?.from.port ?? -1)).to.equal(true);
      await peer.close();
    });
  });

  describe('errors', () => {
    it('fails with a final RxnetConnectionError for a port it cannot send to', async () => {
      const err = await errorOf(firstValueFrom(udpRequest('+,1,1', { ...CALC, port: 0 })));
      expect(err).to.be.an.instanceOf(RxnetConnectionError);
      expect((err as RxnetConnectionError).info.final).to.equal(true);
      expect(err.message).to.match(/^Cannot reach udp:\/\/127\.0\.0\.1:0: /);
    });
  });

  describe('against a server with success 0.5', () => {
    const REQUESTS = 200;

    /** Runs REQUESTS requests, 100 at a time; resolves with how many were answered and how many copies went out. */
    async function answerRate(port: number, retry: object): Promise<{ answered: number; copies: number; wrong: number }> {
      let copies = 0;
      let wrong = 0;
      const outcomes = await lastValueFrom(
        from(Array.from({ length: REQUESTS }, (_, i) => i)).pipe(
          mergeMap(
            (i) =>
              udpRequest(`+,${i},1`, { ...CALC, port, retry, onSend: () => (copies += 1) }).pipe(
                map((reply) => {
                  if (reply.value !== i + 1) wrong += 1;
                  return true;
                }),
                catchError((err: unknown) => {
                  if (!(err instanceof RxnetTimeoutError)) throw err;
                  return of(false);
                }),
              ),
            100,
          ),
          toArray(),
        ),
      );
      return { answered: outcomes.filter(Boolean).length, copies, wrong };
    }

    it('answers almost every request with backoff: rate 1-(1-s)^5 within 0.05, never a wrong answer', async () => {
      await using server = await startServer({ transport: 'udp', port: 0, success: 0.5, random: seededRandom(42) });
      // Waits of 30 ms and up, not less: server and client share this event loop, and a stall
      // longer than a wait would fire the timers before the replies are read.
      const { answered, wrong } = await answerRate(server.address.port, { initial: 30, max: 480 });
      expect(wrong).to.equal(0);
      expect(answered / REQUESTS).to.be.closeTo(1 - 0.5 ** 5, 0.05);
    });

    it('answers about half the requests in a single attempt: rate s within 0.1', async () => {
      await using server = await startServer({ transport: 'udp', port: 0, success: 0.5, random: seededRandom(7) });
      // A wait of 500 ms, far longer than a stall of this event loop: a request goes unanswered
      // when the server drops it, not when the machine is busy.
      const { answered, copies, wrong } = await answerRate(server.address.port, { initial: 500, retry: false });
      expect(wrong).to.equal(0);
      expect(copies).to.equal(REQUESTS);
      expect(answered / REQUESTS).to.be.closeTo(0.5, 0.1);
    });
  });
});
