import { expect } from 'chai';
import type { Socket } from 'node:net';
import { map, of, take, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ERR_RXNET_CONNECTION, RxnetConnectionError } from '../../lib/errors.js';
import { sessionSlot, type SessionSlotOptions } from '../../lib/client/sessionSlot.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { lineSession } from './lineSession.js';

const ADDRESS = 'tcp://127.0.0.1:9000';

/** A Node-style system error, as a failed connect raises it. */
function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9000`), { code, syscall: 'connect' });
}

/** A connection over a fake socket: `data$` is what the server sends, writes go nowhere. */
function fakeConnection(id: number, data$: Observable<Buffer>): TcpConnection {
  return {
    id,
    remote: { address: '127.0.0.1', port: 9000, family: 'IPv4' },
    socket: undefined as unknown as Socket, // never touched by a session
    data$,
    send: () => {},
    end: () => {},
    hold: () => () => {},
    destroy: () => {},
  };
}

describe('sessionSlot', () => {
  let testScheduler: TestScheduler;
  let opened: number;
  let closed: number;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    opened = 0;
    closed = 0;
  });

  /** A slot over `connect`, on the test scheduler, with a 1 s connect timeout and the reconnect schedule given. */
  function slot(connect: (id: number) => Observable<TcpConnection>, reconnect: SessionSlotOptions['reconnect'], connectTimeout = 1000): SessionSlotOptions {
    let lastId = 0;
    return {
      connect: ({ id }) => connect(id),
      connectTimeout,
      reconnect,
      session: lineSession({ address: ADDRESS, maxReplyLength: 1024, replyGap: 0, isReply: () => true }),
      hooks: {},
      nextId: () => ++lastId,
      onSocketOpened: () => (opened += 1),
      onSocketClosed: () => (closed += 1),
      scheduler: testScheduler,
    };
  }

  /** Runs `options`' slot to its error on the test scheduler and returns that error. */
  function finalError(options: SessionSlotOptions): RxnetConnectionError {
    let caught: unknown;
    testScheduler.run(() => {
      sessionSlot(options).subscribe({ error: (err: unknown) => (caught = err) });
    });
    expect(caught).to.be.an.instanceOf(RxnetConnectionError);
    return caught as RxnetConnectionError;
  }

  it('should try a refused connection at 0, 10, 30 and 70 ms and give up at 70 ms, saying so', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const refused = cold<TcpConnection>('#', undefined, systemError('ECONNREFUSED'));
      const result = sessionSlot(slot(() => refused, { initial: 10, factor: 2, max: 40 }));
      expectObservable(result).toBe('70ms #', undefined, new RxnetConnectionError(`Cannot connect to ${ADDRESS} after 4 attempts in 70 ms: ECONNREFUSED`, { address: ADDRESS }));
      expectSubscriptions(refused.subscriptions).toBe(['(^!)', '10ms (^!)', '30ms (^!)', '70ms (^!)']);
    });
  });

  it('should give the final error its code, the attempts and the exact elapsed time', () => {
    const err = finalError(slot(() => of(0).pipe(map(() => { throw systemError('ECONNREFUSED'); })), { initial: 10, factor: 2, max: 40 }));
    expect(err.code).to.equal(ERR_RXNET_CONNECTION);
    expect(err.info).to.deep.equal({ address: ADDRESS, syscallCode: 'ECONNREFUSED', attempts: 4, elapsedMs: 70, final: true });
    expect({ opened, closed }).to.deep.equal({ opened: 4, closed: 0 }); // closing is the real connect's to report
  });

  it('should count an attempt that takes longer than connectTimeout as failed, with ETIMEDOUT', () => {
    let caught: unknown;
    testScheduler.run(({ cold, expectSubscriptions }) => {
      const hanging = cold<TcpConnection>('-');
      sessionSlot(slot(() => hanging, { initial: 10, factor: 2, max: 1000, maxAttempts: 2 }, 50)).subscribe({ error: (err: unknown) => (caught = err) });
      expectSubscriptions(hanging.subscriptions).toBe(['^ 49ms !', '60ms ^ 49ms !']);
    });
    const err = caught as RxnetConnectionError;
    expect(err).to.be.an.instanceOf(RxnetConnectionError);
    expect(err.message).to.equal(`Cannot connect to ${ADDRESS} after 2 attempts in 110 ms: ETIMEDOUT`);
    expect(err.info).to.deep.include({ syscallCode: 'ETIMEDOUT', attempts: 2, elapsedMs: 110 });
  });

  it('should replace a session that ends without answering after 10, 20, 40, 40 ms, and never give up', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // The server accepts, then hangs up 5 ms later without a word.
      const result = sessionSlot(slot((id) => of(fakeConnection(id, cold('5ms |'))), { initial: 10, factor: 2, max: 40 })).pipe(
        map((session) => session.id),
        take(5),
      );
      expectObservable(result).toBe('a 14ms b 24ms c 44ms d 44ms (e|)', { a: 1, b: 2, c: 3, d: 4, e: 5 });
    });
  });

  it('should allow unsubscribing explicitly and early, cancelling the wait', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const refused = cold<TcpConnection>('#', undefined, systemError('ECONNREFUSED'));
      const result = sessionSlot(slot(() => refused, { initial: 10, factor: 2, max: 40 }));
      expectObservable(result, '20ms !').toBe('-');
      expectSubscriptions(refused.subscriptions).toBe(['(^!)', '10ms (^!)']);
    });
  });
});
