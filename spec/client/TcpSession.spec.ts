import { expect } from 'chai';
import type { Socket } from 'node:net';
import { firstValueFrom, type Subscription } from 'rxjs';
import {
  RxnetClosedError,
  RxnetConnectionError,
  RxnetInvalidRequestError,
  RxnetProtocolError,
  isTransientError,
} from '../../lib/errors.js';
import { parseReply } from '../../lib/calc/protocol/parseReply.js';
import { startServer, type RunningServer } from '../../lib/calc/server/startServer.js';
import { connectTcp } from '../../lib/transport/connectTcp.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { TcpSession } from '../../lib/client/TcpSession.js';
import { lineSession, type LineSessionInput } from './lineSession.js';
import { answer, fakeServer, onLines, seedServer, settle, sleep, type FakeServer } from './fakeServers.js';

interface Opened {
  readonly session: TcpSession;
  readonly connection: TcpConnection;
  readonly address: string;
  readonly ended: Promise<void>;
}

describe('TcpSession', () => {
  let server: FakeServer | RunningServer | undefined;
  const subscriptions: Subscription[] = [];

  afterEach(async () => {
    for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    await server?.close();
    server = undefined;
  });

  /** Connects to `port` and opens a session with a 20 ms reply gap (or the options given). */
  function open(port: number, options: Partial<LineSessionInput> = {}): Promise<Opened> {
    const address = `tcp://127.0.0.1:${port}`;
    return new Promise((resolve, reject) => {
      subscriptions.push(
        connectTcp({ port, id: 7 }).subscribe({
          next: (connection) => {
            let markEnded: () => void = () => {};
            const ended = new Promise<void>((done) => (markEnded = done));
            const session = new TcpSession(
              connection,
              lineSession({ address, maxReplyLength: 1024, replyGap: 20, isReply: (text) => parseReply(text).ok, ...options }),
              { onEnd: () => markEnded() },
            );
            resolve({ session, connection, address, ended });
          },
          error: reject,
        }),
      );
    });
  }

  describe('#request', () => {
    it('pipelines 1000 requests on one connection and matches every reply to its request, in order', async () => {
      server = await startServer({ port: 0 });
      const { session } = await open(server.address.port);
      const replies = Array.from({ length: 1000 }, (_, i) => firstValueFrom(session.request(`*,${i},3`)));
      expect(session.inFlight).to.equal(1000);
      expect(await Promise.all(replies)).to.deep.equal(Array.from({ length: 1000 }, (_, i) => `200,${i * 3}`));
      expect(session.requestCount).to.equal(1000);
      expect(session.replyCount).to.equal(1000);
      expect(session.inFlight).to.equal(0);
    });

    it("takes a reply without a newline after the quiet gap with framing 'chunk' (the original seed server)", async () => {
      server = await seedServer();
      const { session } = await open(server.port, { framing: 'chunk' });
      expect(await firstValueFrom(session.request('+,1,1'))).to.equal('200,2');
      expect(await firstValueFrom(session.request('/,1,0'))).to.equal('300,-1');
    });

    it("takes a reply split across two writes with a pause shorter than the gap as one reply, with framing 'chunk'", async () => {
      server = await fakeServer((socket) =>
        socket.once('data', () => {
          socket.write('200,');
          setTimeout(() => socket.write('42'), 5);
        }),
      );
      const { session } = await open(server.port, { framing: 'chunk', replyGap: 60 });
      expect(await firstValueFrom(session.request('*,6,7'))).to.equal('200,42');
    });

    it('never takes part of a newline-terminated reply, however long the pause, once the server has sent a newline', async () => {
      server = await fakeServer((socket) =>
        onLines(socket, (line, index) => {
          if (index === 0) socket.write(`${answer(line)}\n`);
          else {
            socket.write('200,');
            setTimeout(() => socket.write('7\n'), 80);
          }
        }),
      );
      const { session } = await open(server.port, { replyGap: 20 });
      expect(await firstValueFrom(session.request('+,0,1'))).to.equal('200,1');
      expect(await firstValueFrom(session.request('+,3,4'))).to.equal('200,7');
    });

    it('does not take unterminated bytes while two requests are outstanding', async () => {
      // A seed-like server that answers one read with one unterminated reply, then hangs up later.
      server = await fakeServer((socket) => {
        socket.once('data', () => socket.write('200,2'));
        setTimeout(() => socket.end(), 120);
      });
      const { session, address } = await open(server.port);
      const first = settle(firstValueFrom(session.request('+,1,1')));
      const second = settle(firstValueFrom(session.request('+,2,2')));
      const [a, b] = await Promise.all([first, second]);
      for (const outcome of [a, b]) {
        expect(outcome.value).to.equal(undefined);
        expect(outcome.error).to.be.instanceOf(RxnetConnectionError);
        expect((outcome.error as Error).message).to.equal(`Connection to ${address} (session 7) was closed by the server`);
      }
    });

    it('discards unterminated bytes when the connection ends before the gap, rather than take a cut reply', async () => {
      server = await fakeServer((socket) => socket.once('data', () => socket.end('200,4')));
      const { session, address } = await open(server.port, { replyGap: 50 });
      const { error } = await settle(firstValueFrom(session.request('*,6,7')));
      expect(error).to.be.instanceOf(RxnetConnectionError);
      expect((error as Error).message).to.equal(`Connection to ${address} (session 7) was closed by the server`);
    });

    it('keeps the slot of a cancelled request and discards its late reply instead of giving it to the next request', async () => {
      // Answers only once both requests are in, so the cancelled request's reply comes late.
      server = await fakeServer((socket) => {
        const lines: string[] = [];
        onLines(socket, (line) => {
          lines.push(line);
          if (lines.length === 2) socket.write(lines.map((l) => `${answer(l)}\n`).join(''));
        });
      });
      const { session } = await open(server.port);
      const cancelledSaw: unknown[] = [];
      const cancelled = session.request('+,0,1').subscribe({
        next: (v) => cancelledSaw.push(v),
        error: (e: unknown) => cancelledSaw.push(e),
        complete: () => cancelledSaw.push('complete'),
      });
      cancelled.unsubscribe();
      expect(session.inFlight).to.equal(1);
      expect(session.active).to.equal(0);
      expect(await firstValueFrom(session.request('+,1,1'))).to.equal('200,2');
      expect(cancelledSaw).to.deep.equal([]);
      expect(session.replyCount).to.equal(2);
      expect(session.inFlight).to.equal(0);
    });

    it('refuses a line with a newline inside, writing nothing', async () => {
      let received = '';
      server = await fakeServer((socket) => socket.on('data', (chunk: Buffer) => (received += chunk.toString())));
      const { session } = await open(server.port);
      const { error } = await settle(firstValueFrom(session.request('+,1,1\n+,2,2')));
      expect(error).to.be.an.instanceOf(RxnetInvalidRequestError).with.property('code', 'ERR_RXNET_INVALID_REQUEST');
      expect((error as Error).message).to.equal('Invalid request line "+,1,1\\n+,2,2" (expected one line, without "\\n")');
      await sleep(20);
      expect(received).to.equal('');
      expect(session.inFlight).to.equal(0);
    });
  });

  describe('when the connection ends', () => {
    it('errors every outstanding request with a transient RxnetConnectionError carrying ECONNRESET on a reset', async () => {
      server = await fakeServer((socket) => onLines(socket, (_, index) => index === 1 && socket.resetAndDestroy()));
      const { session, address, ended } = await open(server.port);
      const outcomes = await Promise.all([1, 2, 3].map((i) => settle(firstValueFrom(session.request(`+,${i},1`)))));
      await ended;
      for (const { error } of outcomes) {
        expect(error).to.be.instanceOf(RxnetConnectionError);
        const err = error as RxnetConnectionError;
        expect(err.code).to.equal('ERR_RXNET_CONNECTION');
        expect(err.message).to.equal(`Connection to ${address} (session 7) broke: ECONNRESET`);
        expect(err.info).to.deep.equal({ address, syscallCode: 'ECONNRESET' });
        expect(isTransientError(err)).to.equal(true);
      }
      expect(session.alive).to.equal(false);
      expect(session.inFlight).to.equal(0);
    });

    it('errors a request made after the session ended with the reason it ended', async () => {
      server = await fakeServer((socket) => socket.end());
      const { session, address, ended } = await open(server.port);
      await ended;
      const { error } = await settle(firstValueFrom(session.request('+,1,1')));
      expect(error).to.equal(session.endReason);
      expect((error as Error).message).to.equal(`Connection to ${address} (session 7) was closed by the server`);
    });

    it('is destroyed with the reason given, which its outstanding requests get', async () => {
      server = await fakeServer(() => {});
      const { session } = await open(server.port);
      const pending = settle(firstValueFrom(session.request('+,1,1')));
      const reason = new RxnetClosedError({ what: 'tcp client' });
      session.destroy(reason);
      expect((await pending).error).to.equal(reason);
      expect(session.alive).to.equal(false);
    });

    it('removes every listener it added from the socket when destroyed', async () => {
      const fake = await fakeServer(() => {});
      server = fake;
      const address = `tcp://127.0.0.1:${fake.port}`;
      const connection = await new Promise<TcpConnection>((resolve) => subscriptions.push(connectTcp({ port: fake.port }).subscribe(resolve)));
      const events = ['data', 'end', 'close', 'error', 'drain'] as const;
      const counts = (socket: Socket) => events.map((name) => socket.listenerCount(name));
      const baseline = counts(connection.socket);
      const session = new TcpSession(connection, lineSession({ address, maxReplyLength: 1024, replyGap: 20, isReply: () => true }));
      session.request('+,1,1').subscribe({ error: () => {} });
      expect(counts(connection.socket)).to.not.deep.equal(baseline);
      session.destroy();
      expect(counts(connection.socket)).to.deep.equal(baseline);
    });
  });

  describe('with a misbehaving server', () => {
    it('errors a malformed reply\'s request with an RxnetProtocolError, and ends the session so no later reply is misplaced', async () => {
      server = await fakeServer((socket) => onLines(socket, (_, index) => index === 1 && socket.write('garbage\n200,3\n')));
      const { session, address } = await open(server.port);
      const [a, b] = await Promise.all([settle(firstValueFrom(session.request('+,1,1'))), settle(firstValueFrom(session.request('+,1,2')))]);
      expect(a.error).to.be.instanceOf(RxnetProtocolError);
      expect((a.error as RxnetProtocolError).code).to.equal('ERR_RXNET_PROTOCOL');
      expect((a.error as Error).message).to.equal(`Invalid reply from ${address} (session 7): "garbage"`);
      expect((a.error as RxnetProtocolError).info).to.deep.equal({ received: 'garbage' });
      expect(isTransientError(a.error)).to.equal(false);
      expect(b.value).to.equal(undefined);
      expect((b.error as Error).message).to.equal(`Connection to ${address} (session 7) was dropped after an invalid reply`);
      expect(isTransientError(b.error)).to.equal(true);
      expect(session.alive).to.equal(false);
    });

    it('errors a request whose reply is longer than maxReplyLength with an RxnetProtocolError', async () => {
      server = await fakeServer((socket) => socket.once('data', () => socket.write(`200,${'9'.repeat(2000)}\n`)));
      const { session, address } = await open(server.port);
      const { error } = await settle(firstValueFrom(session.request('+,1,1')));
      expect(error).to.be.instanceOf(RxnetProtocolError);
      expect((error as Error).message).to.equal(`Reply from ${address} (session 7) is longer than 1024 bytes`);
    });

    it('ends the session on a reply that answers no request, and never gives it to a request sent after it arrived', async () => {
      server = await fakeServer((socket) => onLines(socket, (line) => socket.write(`${answer(line)}\n200,99\n`)));
      const { session, address } = await open(server.port);
      let first: unknown;
      // The second request is sent from within the first reply's delivery, while the extra
      // '200,99' that came in the same chunk is still to be matched.
      const second = new Promise<{ value?: unknown; error?: unknown }>((resolve) => {
        session.request('+,1,1').subscribe((reply) => {
          first = reply;
          session.request('+,2,2').subscribe({ next: (value) => resolve({ value }), error: (error: unknown) => resolve({ error }) });
        });
      });
      const { value, error } = await second;
      expect(first).to.equal('200,2');
      expect(value).to.equal(undefined);
      expect((error as Error).message).to.equal(`Connection to ${address} (session 7) was dropped: a reply came with no request outstanding`);
    });

    it('ends the session on bytes that arrive with no request outstanding', async () => {
      server = await fakeServer((socket) => socket.write('hello\n'));
      const { session, ended, address } = await open(server.port);
      await ended;
      expect(session.endReason?.message).to.equal(`Connection to ${address} (session 7) was dropped: a reply came with no request outstanding`);
    });
  });
});
