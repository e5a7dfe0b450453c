import { expect } from 'chai';
import { firstValueFrom, from, lastValueFrom, mergeMap, toArray } from 'rxjs';
import {
  ERR_RXNET_CLOSED,
  ERR_RXNET_INVALID_OPTION,
  RxnetClosedError,
  RxnetConnectionError,
  RxnetInvalidOptionError,
  RxnetInvalidRequestError,
  RxnetTimeoutError,
} from '../../../lib/errors.js';
import { createCalcClient } from '../../../lib/calc/client/calcClient.js';
import { startServer } from '../../../lib/calc/server/startServer.js';
import { startFakeSeedServer } from '../../helpers/fakeSeedServer.js';
import { openUdpSockets, seededRandom, sleep, startUdpPeer, udpSocketsSettleTo, closeAllPeers } from '../../helpers/udpPeer.js';
import { createServer } from 'node:net';

function errorOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`expected an error, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err as Error,
  );
}

/** A TCP port on 127.0.0.1 where nothing listens. */
async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('createCalcClient', () => {
  afterEach(closeAllPeers);

  describe('options', () => {
    it('throws an RxnetInvalidOptionError naming a bad retry option', () => {
      expect(() => createCalcClient({ retry: { factor: 1 } }))
        .to.throw(RxnetInvalidOptionError, 'Invalid retry.factor "1" (expected a number greater than 1)')
        .with.property('code', ERR_RXNET_INVALID_OPTION);
    });

    it('throws when tcp options are given with transport udp', () => {
      expect(() => createCalcClient({ transport: 'udp', tcp: { sessions: 2 } })).to.throw(
        RxnetInvalidOptionError,
        'The tcp options (sessions) apply to the stream transports (tcp, tls, unix) only',
      );
    });

    it('throws naming a bad tcp option as tcp.<name>', () => {
      expect(() => createCalcClient({ tcp: { sessions: 0 } })).to.throw(
        RxnetInvalidOptionError,
        'Invalid tcp.sessions "0" (expected an integer from 1 to 1024)',
      );
    });

    it('throws for a port out of range and an unknown option', () => {
      expect(() => createCalcClient({ port: 70000 })).to.throw('Invalid port "70000" (expected an integer from 1 to 65535)');
      expect(() => createCalcClient({ timeout: 5 } as never)).to.throw('Unknown option timeout');
    });
  });

  describe('over UDP', () => {
    it('turns a CalcRequest into its CalcReply', async () => {
      await using server = await startServer({ transport: 'udp', port: 0 });
      await using client = createCalcClient({ transport: 'udp', port: server.address.port, retry: { initial: 200 } });
      expect(client.address).to.equal(`udp://127.0.0.1:${server.address.port}`);
      expect(await firstValueFrom(client.request({ op: '^', a: 2, b: 10 }))).to.deep.equal({ code: 200, value: 1024, text: '200,1024' });
      expect(await firstValueFrom(client.request('x'))).to.deep.equal({ code: 300, value: -1, text: '300,-1' });
    });

    it('errors a request line containing a newline without sending it', async () => {
      const peer = await startUdpPeer();
      await using client = createCalcClient({ transport: 'udp', port: peer.port });
      const err = await errorOf(firstValueFrom(client.request('+,1,1\n+,2,2')));
      expect(err).to.be.an.instanceOf(RxnetInvalidRequestError).with.property('code', 'ERR_RXNET_INVALID_REQUEST');
      expect(err.message).to.equal('Invalid request line "+,1,1\\n+,2,2" (expected one line, without "\\n")');
      await sleep(20);
      expect(peer.received).to.deep.equal([]);
      await peer.close();
    });

    it('reports each copy sent to onAttempt', async () => {
      const peer = await startUdpPeer();
      const attempts: number[] = [];
      await using client = createCalcClient({
        transport: 'udp',
        port: peer.port,
        retry: { initial: 10, max: 40 },
        onAttempt: (_line, attempt) => attempts.push(attempt),
      });
      const err = await errorOf(firstValueFrom(client.request('+,1,1')));
      expect(err).to.be.an.instanceOf(RxnetTimeoutError);
      expect(attempts).to.deep.equal([1, 2, 3]);
      await peer.close();
    });

    describe('#close', () => {
      it('errors requests in flight with an RxnetClosedError and closes their sockets', async () => {
        const baseline = openUdpSockets();
        const peer = await startUdpPeer();
        const client = createCalcClient({ transport: 'udp', port: peer.port, retry: { initial: 1000 } });
        const pending = errorOf(lastValueFrom(from(['+,1,1', '+,2,2']).pipe(mergeMap((line) => client.request(line)), toArray())));
        await sleep(20);
        const opened = openUdpSockets();
        await client.close();
        expect(opened).to.equal(baseline + 3);
        const err = await pending;
        expect(err).to.be.an.instanceOf(RxnetClosedError);
        expect((err as RxnetClosedError).code).to.equal(ERR_RXNET_CLOSED);
        expect(err.message).to.equal(`calc client for udp://127.0.0.1:${peer.port} was closed`);
        const settled = await udpSocketsSettleTo(baseline + 1);
        await peer.close();
        expect(settled).to.equal(true);
        expect(await udpSocketsSettleTo(baseline)).to.equal(true);
      });

      it('refuses requests afterwards and returns the same promise every time', async () => {
        const client = createCalcClient({ transport: 'udp', port: 9 });
        const first = client.close();
        expect(client.close()).to.equal(first);
        expect(client.close()).to.equal(first);
        await first;
        const err = await errorOf(firstValueFrom(client.request('+,1,1')));
        expect(err).to.be.an.instanceOf(RxnetClosedError);
      });
    });
  });

  describe('over TCP', () => {
    it('turns requests into replies over an rxnet TCP server', async () => {
      await using server = await startServer({ transport: 'tcp', port: 0 });
      await using client = createCalcClient({ port: server.address.port, retry: { initial: 500 } });
      expect(client.address).to.equal(`tcp://127.0.0.1:${server.address.port}`);
      expect(await firstValueFrom(client.request({ op: '-', a: 1, b: 3 }))).to.deep.equal({ code: 200, value: -2, text: '200,-2' });
      expect(await firstValueFrom(client.request('/,1,0'))).to.deep.equal({ code: 300, value: -1, text: '300,-1' });
    });

    it("works with tcp: { framing: 'chunk' } against the original seed server (each read a request, no newline in replies)", async () => {
      const seed = await startFakeSeedServer('tcp');
      const client = createCalcClient({ port: seed.port, tcp: { framing: 'chunk' }, retry: { initial: 500, retry: false } });
      try {
        const replies = [];
        for (const line of ['+,1,1', '*,6,7', 'nope', '-,5,3']) replies.push((await firstValueFrom(client.request(line))).text);
        expect(replies).to.deep.equal(['200,2', '200,42', '300,-1', '200,2']);
        expect(seed.requests).to.deep.equal(['+,1,1', '*,6,7', 'nope', '-,5,3']);
      } finally {
        await client.close();
        await seed.close();
      }
    });

    it('answers 100 concurrent requests over 4 pipelined sessions, each with its own answer', async () => {
      await using server = await startServer({ transport: 'tcp', port: 0 });
      await using client = createCalcClient({ port: server.address.port, tcp: { sessions: 4, maxInFlight: 8 }, retry: { initial: 2000 } });
      const replies = await lastValueFrom(
        from(Array.from({ length: 100 }, (_, i) => i)).pipe(
          mergeMap((i) => client.request({ op: '*', a: i, b: 3 }).pipe(mergeMap(async (reply) => [i, reply.value]))),
          toArray(),
        ),
      );
      expect(replies).to.have.length(100);
      for (const [i, value] of replies) expect(value).to.equal((i ?? 0) * 3);
    });

    it('retries requests whose connection the server cut (success 0.7) and answers them all', async () => {
      await using server = await startServer({ transport: 'tcp', port: 0, success: 0.7, random: seededRandom(3) });
      let attempts = 0;
      await using client = createCalcClient({
        port: server.address.port,
        retry: { initial: 30, max: 960 },
        onAttempt: () => (attempts += 1),
      });
      const values: number[] = [];
      for (let i = 0; i < 30; i += 1) values.push((await firstValueFrom(client.request({ op: '+', a: i, b: 0 }))).value);
      expect(values).to.deep.equal(Array.from({ length: 30 }, (_, i) => i));
      expect(attempts).to.be.above(30);
    });

    it('fails fast with the final RxnetConnectionError when nothing listens, not after the timeout', async () => {
      const port = await closedTcpPort();
      await using client = createCalcClient({ port, retry: { initial: 5000 }, tcp: { reconnect: { initial: 10, max: 20 } } });
      const started = performance.now();
      const err = await errorOf(firstValueFrom(client.request('+,1,1')));
      expect(performance.now() - started).to.be.below(1000);
      expect(err).to.be.an.instanceOf(RxnetConnectionError);
      expect((err as RxnetConnectionError).info.final).to.equal(true);
      expect(err.message).to.match(new RegExp(`^Cannot connect to tcp://127\\.0\\.0\\.1:${port} after 3 attempts in \\d+ ms: ECONNREFUSED$`));
    });

    it('keeps its own reconnect schedule by default: 6 attempts in about 3.1 s (jittered ±20 %), then the final error', async () => {
      const port = await closedTcpPort();
      await using client = createCalcClient({ port, retry: { initial: 10_000 } });
      const err = await errorOf(firstValueFrom(client.request('+,1,1')));
      expect(err).to.be.an.instanceOf(RxnetConnectionError);
      // 100 + 200 + 400 + 800 + 1600 ms of waits, each within ±20 %: between 2.48 and 3.72 s.
      const elapsed = (err as RxnetConnectionError).info.elapsedMs ?? 0;
      expect(err.message).to.match(/ after 6 attempts in \d+ ms: ECONNREFUSED$/);
      expect(elapsed).to.be.within(2480, 3720 + 1000);
    });

    it('connect() rejects with the final error when nothing listens', async () => {
      const port = await closedTcpPort();
      await using client = createCalcClient({ port, tcp: { reconnect: { initial: 10, max: 10 } } });
      const err = await errorOf(client.connect());
      expect(err).to.be.an.instanceOf(RxnetConnectionError);
      expect((err as RxnetConnectionError).info.syscallCode).to.equal('ECONNREFUSED');
    });
  });
});
