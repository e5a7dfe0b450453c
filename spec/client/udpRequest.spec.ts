import { expect } from 'chai';
import sinon from 'sinon';
import { firstValueFrom, from, lastValueFrom, mergeMap, map, catchError, of, toArray } from 'rxjs';
import { ERR_RXNET_CONNECTION, ERR_RXNET_TIMEOUT, RxnetConnectionError, RxnetTimeoutError, isTransientError } from '../../lib/errors.js';
import { RecentPorts } from '../../lib/client/RecentPorts.js';
import { udpRequest } from '../../lib/client/udpRequest.js';
import { startServer } from '../../lib/server/startServer.js';
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

describe('udpRequest', () => {
  afterEach(closeAllPeers);

  it('emits the reply of an rxnet UDP server and completes', async () => {
    await using server = await startServer({ transport: 'udp', port: 0 });
    const replies = await lastValueFrom(udpRequest('*,6,7', { port: server.address.port, retry: { initial: 200 } }).pipe(toArray()));
    expect(replies).to.deep.equal([{ code: 200, value: 42, text: '200,42' }]);
  });

  it('gets 300,-1 for an invalid request, as an answer', async () => {
    await using server = await startServer({ transport: 'udp', port: 0 });
    const reply = await firstValueFrom(udpRequest('/,1,0', { port: server.address.port, retry: { initial: 200 } }));
    expect(reply).to.deep.equal({ code: 300, value: -1, text: '300,-1' });
  });

  it('works against the original seed server (bare request, reply without newline)', async () => {
    const seed = await startFakeSeedServer('udp');
    try {
      const reply = await firstValueFrom(udpRequest('+,1,1', { port: seed.port, retry: { initial: 200 } }));
      expect(reply.text).to.equal('200,2');
      expect(seed.requests).to.deep.equal(['+,1,1']);
    } finally {
      await seed.close();
    }
  });

  describe('against a silent peer', () => {
    it('sends 4 copies from one socket at 0, 50, 150 and 350 ms, then gives up with an RxnetTimeoutError at 750 ms', async () => {
      const peer = await startUdpPeer();
      const started = performance.now();
      const err = await errorOf(firstValueFrom(udpRequest('+,1,1', { port: peer.port, retry: { initial: 50, max: 400 } })));
      const elapsed = performance.now() - started;
      expect(err).to.be.an.instanceOf(RxnetTimeoutError);
      expect((err as RxnetTimeoutError).code).to.equal(ERR_RXNET_TIMEOUT);
      expect((err as RxnetTimeoutError).info.attempts).to.equal(4);
      expect(err.message).to.match(/^Timed out after 4 attempts in 7\d\d ms$/);
      expect(peer.received.map((d) => d.text)).to.deep.equal(['+,1,1', '+,1,1', '+,1,1', '+,1,1']);
      expect(new Set(peer.received.map((d) => d.from.port)).size).to.equal(1);
      const offsets = peer.received.map((d) => d.at - (peer.received[0]?.at ?? 0));
      [0, 50, 150, 350].forEach((planned, i) => expect(offsets[i]).to.be.within(planned - 30, planned + 60));
      expect(elapsed).to.be.within(745, 900);
      await peer.close();
    });

    it('sends one copy and gives up after the timeout when retry is false', async () => {
      const peer = await startUdpPeer();
      const err = await errorOf(firstValueFrom(udpRequest('+,1,1', { port: peer.port, retry: { initial: 60, retry: false } })));
      expect(err.message).to.match(/^Timed out after 1 attempt in 6\d ms$/);
      expect(peer.received).to.have.length(1);
      await peer.close();
    });

    it('sends nothing more once unsubscribed, and closes its socket', async () => {
      const baseline = openUdpSockets();
      const peer = await startUdpPeer();
      const subscription = udpRequest('+,1,1', { port: peer.port, retry: { initial: 40, max: 1000 } }).subscribe();
      for (let i = 0; i < 200 && peer.received.length < 2; i += 1) await sleep(5);
      subscription.unsubscribe();
      await sleep(150); // the third copy was due 80 ms after the second
      expect(peer.received).to.have.length(2);
      expect(await udpSocketsSettleTo(baseline + 1)).to.equal(true);
      await peer.close();
    });
  });

  describe('correlation', () => {
    it('takes a late reply to an earlier copy of the same request as its answer, and sends nothing after it', async () => {
      const peer = await startUdpPeer((d, self) => {
        if (peer.received.length === 1) setTimeout(() => self.send(seedAnswer(d.text), d.from), 70); // copy 1, late
      });
      const reply = await firstValueFrom(udpRequest('+,2,3', { port: peer.port, retry: { initial: 50, max: 400 } }));
      expect(reply.text).to.equal('200,5');
      await sleep(150);
      expect(peer.received).to.have.length(2); // sent at 0 and 50; answered at 70; no third copy at 150
      await peer.close();
    });

    it('ignores garbage and takes the first valid reply once, however many duplicates follow', async () => {
      const peer = await startUdpPeer((d, self) => {
        for (const junk of ['', 'hello', '200,', '200,abc', '400,1', '300,-2']) self.send(junk, d.from);
        for (let i = 0; i < 3; i += 1) self.send('200,7\n', d.from);
      });
      const replies = await lastValueFrom(udpRequest('+,3,4', { port: peer.port, retry: { initial: 200 } }).pipe(toArray()));
      expect(replies).to.deep.equal([{ code: 200, value: 7, text: '200,7' }]);
      await peer.close();
    });

    it('ignores a reply sent from another port than the server\'s', async () => {
      const other = await startUdpPeer();
      const peer = await startUdpPeer((d) => other.send(seedAnswer(d.text), d.from));
      const err = await errorOf(firstValueFrom(udpRequest('+,1,1', { port: peer.port, retry: { initial: 40, max: 80 } })));
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
      const a = await errorOf(firstValueFrom(udpRequest('+,1,1', { port: peer.port, retry: { initial: 30, max: 60 }, recentPorts })));
      expect(a).to.be.an.instanceOf(RxnetTimeoutError);
      const b = await firstValueFrom(udpRequest('+,2,2', { port: peer.port, retry: { initial: 200 }, recentPorts }));
      expect(b.text).to.equal('200,4');
      const portsOfA = new Set(peer.received.filter((r) => r.text === '+,1,1').map((r) => r.from.port));
      const portsOfB = new Set(peer.received.filter((r) => r.text === '+,2,2').map((r) => r.from.port));
      expect([...portsOfA].some((port) => portsOfB.has(port))).to.equal(false);
      await sleep(60); // let A's late reply go out to its closed port
      await peer.close();
    });

    it('draws another port when the fresh socket lands on a recently used one', async () => {
      const peer = await startUdpPeer((d, self) => self.send(seedAnswer(d.text), d.from));
      const recentPorts = new RecentPorts();
      const has = sinon.stub(recentPorts, 'has');
      has.onFirstCall().returns(true).onSecondCall().returns(true).returns(false);
      let opened = 0;
      const reply = await firstValueFrom(
        udpRequest('+,1,1', { port: peer.port, recentPorts, retry: { initial: 200 }, onSocketOpened: () => (opened += 1) }),
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
    it('fails at once with a transient RxnetConnectionError when nothing listens (ECONNREFUSED) and retry is false', async () => {
      const port = await closedUdpPort();
      const started = performance.now();
      const err = await errorOf(firstValueFrom(udpRequest('+,1,1', { port, retry: { initial: 1000, retry: false } })));
      expect(performance.now() - started).to.be.below(500);
      expect(err).to.be.an.instanceOf(RxnetConnectionError);
      expect((err as RxnetConnectionError).code).to.equal(ERR_RXNET_CONNECTION);
      expect(err.message).to.equal(`Nothing is listening at udp://127.0.0.1:${port} (ECONNREFUSED)`);
      expect((err as RxnetConnectionError).info).to.deep.equal({ address: `udp://127.0.0.1:${port}`, syscallCode: 'ECONNREFUSED' });
      expect(isTransientError(err)).to.equal(true);
    });

    it('retries ECONNREFUSED on the schedule, then passes it through', async () => {
      const port = await closedUdpPort();
      let sends = 0;
      const err = await errorOf(
        firstValueFrom(udpRequest('+,1,1', { port, retry: { initial: 20, max: 40 }, onSend: () => (sends += 1) })),
      );
      expect(err).to.be.an.instanceOf(RxnetConnectionError);
      expect(sends).to.equal(2);
    });

    it('fails with a final RxnetConnectionError for a port it cannot send to', async () => {
      const err = await errorOf(firstValueFrom(udpRequest('+,1,1', { port: 0 })));
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
              udpRequest(`+,${i},1`, { port, retry, onSend: () => (copies += 1) }).pipe(
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
      const { answered, copies, wrong } = await answerRate(server.address.port, { initial: 150, retry: false });
      expect(wrong).to.equal(0);
      expect(copies).to.equal(REQUESTS);
      expect(answered / REQUESTS).to.be.closeTo(0.5, 0.1);
    });
  });
});
