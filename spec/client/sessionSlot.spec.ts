import { expect } from 'chai';
import type { Socket } from 'node:net';
import { defer, filter, map, of, take, throwError, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ERR_RXNET_CONNECTION, RxnetConnectionError } from '../../lib/errors.js';
import { sessionSlot, type SessionSlotOptions } from '../../lib/client/sessionSlot.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { RECONNECT_DEFAULTS } from '../../lib/client/reconnectDelay.js';
import { seededRandom } from '../helpers/udpPeer.js';
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

  /** A slot over `connect`, on the test scheduler, with a 1 s connect timeout and the reconnect schedule given (exact: jitter 0 unless given). */
  function slot(connect: (id: number) => Observable<TcpConnection>, reconnect: SessionSlotOptions['reconnect'], connectTimeout = 1000): SessionSlotOptions {
    let lastId = 0;
    return {
      connect: ({ id }) => connect(id),
      connectTimeout,
      reconnect: { jitter: 0, ...reconnect },
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

  describe('jitter (issue 15)', () => {
    /** Connects that are always refused, noting the virtual time of each attempt in `at`. */
    const refusedAt = (at: number[]) => () =>
      defer(() => {
        at.push(testScheduler.now());
        return throwError(() => systemError('ECONNREFUSED'));
      });

    /** The gaps between successive times. */
    const gaps = (times: readonly number[]): number[] => times.slice(1).map((t, i) => t - (times[i] ?? 0));

    /** Runs `options`' slot for `forMs` of virtual time, then unsubscribes it. */
    function runFor(options: SessionSlotOptions[], forMs: number): void {
      testScheduler.run(() => {
        const subscriptions = options.map((o) => sessionSlot(o).subscribe({ error: () => {} }));
        testScheduler.schedule(() => subscriptions.forEach((s) => s.unsubscribe()), forMs);
      });
    }

    it('reconnects on gRPC\'s schedule by default: each wait within ±20 % of 1 s, 1.6 s, 2.56 s..., exactly as the seeded random draws', () => {
      const at: number[] = [];
      runFor([slot(refusedAt(at), { ...RECONNECT_DEFAULTS, random: seededRandom(15) })], 20_000);
      const draws = seededRandom(15);
      const expected = [0, 1, 2, 3, 4].map((i) => 1000 * 1.6 ** i * (1 + 0.2 * (2 * draws() - 1)));
      expect(gaps(at)).to.have.length(5);
      gaps(at).forEach((gap, i) => expect(gap).to.be.closeTo(expected[i] ?? NaN, 1e-6));
      gaps(at).forEach((gap, i) => expect(gap).to.be.within(800 * 1.6 ** i, 1200 * 1.6 ** i));
    });

    it('keeps the exact schedule with jitter 0', () => {
      const at: number[] = [];
      runFor([slot(refusedAt(at), { ...RECONNECT_DEFAULTS, jitter: 0, random: () => expect.fail('drew') })], 10_000);
      expect(gaps(at)).to.deep.equal([1000, 1600, 2560, 4096]);
    });

    it('does not reconnect many sessions in lockstep: slots sharing a random source wait distinct times', () => {
      const random = seededRandom(42);
      const attempts = Array.from({ length: 8 }, (): number[] => []);
      runFor(attempts.map((at) => slot(refusedAt(at), { ...RECONNECT_DEFAULTS, random })), 3000);
      const seconds = attempts.map((at) => at[1] ?? NaN);
      expect(new Set(seconds).size, `second attempts at ${seconds.join(', ')}`).to.equal(8);
      seconds.forEach((t) => expect(t).to.be.within(800, 1200));
      // Without jitter they would all come back at the same instant.
      const exact = Array.from({ length: 8 }, (): number[] => []);
      runFor(exact.map((at) => slot(refusedAt(at), { ...RECONNECT_DEFAULTS, jitter: 0 })), 3000);
      expect(new Set(exact.map((at) => at[1])).size).to.equal(1);
    });

    it('jitters the replacement of a session that ends without answering, within ±20 % of the schedule', () => {
      const at: number[] = [];
      const hangsUp = (id: number): Observable<TcpConnection> =>
        defer(() => {
          at.push(testScheduler.now());
          return of(fakeConnection(id, timer(5, testScheduler).pipe(map(() => Buffer.alloc(0)), filter(() => false))));
        });
      runFor([slot(hangsUp, { initial: 100, factor: 2, cap: 400, jitter: 0.2, random: seededRandom(3) })], 2000);
      const waits = gaps(at).map((gap) => gap - 5); // each session lived 5 ms
      [100, 200, 400, 400, 400].forEach((exact, i) => expect(waits[i], `wait ${i + 1}`).to.be.within(exact * 0.8, exact * 1.2));
      expect(new Set(waits.slice(2, 5)).size, 'the capped waits still differ').to.equal(3);
    });
  });
});
