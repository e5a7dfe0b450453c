import { expect } from 'chai';
import type { Socket } from 'node:net';
import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import sinon from 'sinon';
import type { EndpointHooks } from '../../lib/client/connectEndpoint.js';
import { createTcpClient } from '../../lib/client/tcpClient.js';
import { resolveTcpClientOptions } from '../../lib/client/tcpClientOptions.js';
import { TcpSessionPool } from '../../lib/client/TcpSessionPool.js';
import { lineSession } from './lineSession.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';

/** A fake connection: `data$` is what the server sends; writes go to `send`. */
function fakeConnection(id: number, data$: Observable<Buffer>, send: sinon.SinonSpy = sinon.spy()): TcpConnection {
  return { id, remote: { address: '127.0.0.1', port: 9000, family: 'IPv4' }, socket: {} as Socket, data$, send, end: () => {}, hold: () => () => {}, destroy: () => {} };
}

/** A connector whose n-th attempt is `attempts[n]` (a connection after some frames, or never), telling `onClosed` when unsubscribed. */
function fakeConnector(attempts: readonly ((hooks: EndpointHooks) => Observable<TcpConnection>)[]) {
  let next = 0;
  const connect = (_options: unknown, hooks: EndpointHooks): Observable<TcpConnection> =>
    new Observable<TcpConnection>((subscriber) => {
      const attempt = attempts[Math.min(next, attempts.length - 1)] as (hooks: EndpointHooks) => Observable<TcpConnection>;
      next += 1;
      const inner = attempt(hooks).subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        hooks.onClosed();
      };
    });
  return { connect, attempts: () => next };
}

describe('TcpSessionPool and createTcpClient on a scheduler (marbles, fake connections)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('times a hanging connect out after connectTimeout and reconnects after reconnect.initial, all on the test clock', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const connector = fakeConnector([() => cold('-'), (hooks) => cold('--c', { c: fakeConnection(hooks.id, hot('-')) })]);
      const options = resolveTcpClientOptions({ connectTimeout: 50, reconnect: { initial: 10, factor: 2, max: 40, jitter: 0 } });
      const session = lineSession({ address: 'tcp://127.0.0.1:9000', maxReplyLength: 1024, replyGap: 20, isReply: () => true });
      const pool = new TcpSessionPool(options, 'tcp://127.0.0.1:9000', { onRoom: () => {}, onFailed: () => {} }, { session, connect: connector.connect, scheduler: testScheduler });
      testScheduler.schedule(() => pool.fill(), 1);
      testScheduler.schedule(() => void pool.close(), 90);
      // connecting at 1; the first attempt times out at 51; the second starts at 61 and connects at 63; closed at 90.
      expectObservable(pool.state$).toBe('ab 61ms c 26ms (d|)', { a: 'idle', b: 'connecting', c: 'connected', d: 'closed' });
      testScheduler.flush();
      expect(connector.attempts()).to.equal(2);
    });
  });

  it('createTcpClient: a request is written once the session opens and answered by its reply, timed by the scheduler given', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const send = sinon.spy();
      const replies = hot('--------r', { r: Buffer.from('200,2\n') });
      const connector = fakeConnector([(hooks) => cold('---c', { c: fakeConnection(hooks.id, replies, send) })]);
      const client = createTcpClient({ connect: connector.connect, scheduler: testScheduler });
      expectObservable(client.request('+,1,1')).toBe('--------(r|)', { r: '200,2' });
      testScheduler.schedule(() => expect(send.args).to.deep.equal([['+,1,1\n']]), 4);
      testScheduler.schedule(() => void client.close(), 20);
    });
  });

  it('createTcpClient: a stall without a newline drops the session after 500 ms of test time, suggesting chunk framing', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const replies = hot('-----p', { p: Buffer.from('200,2') });
      const connector = fakeConnector([(hooks) => cold('c', { c: fakeConnection(hooks.id, replies) })]);
      const client = createTcpClient({ connect: connector.connect, scheduler: testScheduler, reconnect: { initial: 1000, max: 1000, jitter: 0 } });
      let caught: unknown;
      client.request('+,1,1').subscribe({ error: (err: unknown) => (caught = err) });
      testScheduler.schedule(() => {
        expect(caught).to.equal(undefined);
      }, 504);
      testScheduler.schedule(() => {
        expect((caught as Error).message).to.equal(
          'No newline-terminated reply from tcp://127.0.0.1:9000 (session 1): "200,2" then nothing for 500 ms (an original seed server? use framing chunk, --framing chunk on the CLI)',
        );
        void client.close();
      }, 506);
      expectObservable(client.state$).toBe('a 504ms b (c|)', { a: 'connected', b: 'reconnecting', c: 'closed' });
    });
  });
});
