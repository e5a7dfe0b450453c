import { expect } from 'chai';
import type { Socket } from 'node:net';
import { type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import sinon from 'sinon';
import { RxnetConnectionError, RxnetProtocolError, isTransientError } from '../../lib/errors.js';
import type { ReplyTermination } from '../../lib/client/replyFrames.js';
import { TcpSession } from '../../lib/client/TcpSession.js';
import { lineSession, type LineSessionInput } from './lineSession.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';

const ADDRESS = 'tcp://127.0.0.1:9000';
/** The documented default stall timeout (DEFAULT_STALL_TIMEOUT). */
const STALL_MS = 500;
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** A connection whose inbound bytes are `data$` and whose writes and destroy are spies. */
function fakeConnection(data$: Observable<Buffer>): TcpConnection & { send: sinon.SinonSpy; destroy: sinon.SinonSpy } {
  return {
    id: 7,
    remote: { address: '127.0.0.1', port: 9000, family: 'IPv4' },
    socket: {} as Socket,
    data$,
    send: sinon.spy(),
    end: () => {},
    hold: () => () => {},
    destroy: sinon.spy(),
  };
}

/** A session over `connection` with the calc defaults (a 20 ms reply gap) and `options` over them. */
function sessionOver(connection: TcpConnection, options: Partial<LineSessionInput> = {}): TcpSession {
  return new TcpSession(connection, lineSession({ address: ADDRESS, maxReplyLength: 1024, replyGap: 20, isReply: (text) => /^(200,-?\d+|300,-1)$/.test(text), ...options }));
}

/** The error a line-framing session ends with when a reply without a newline stalls. */
const stalled = (received: string, ms = STALL_MS): RxnetConnectionError =>
  new RxnetConnectionError(
    `No newline-terminated reply from ${ADDRESS} (session 7): ${JSON.stringify(received)} then nothing for ${ms} ms (an original seed server? use framing chunk, --framing chunk on the CLI)`,
    { address: ADDRESS },
  );

describe('TcpSession reply framing', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  describe('line framing (the default)', () => {
    it('issue 11: answers "200,42" when the first reply comes as "200,4", then "2\\n" 50 ms later', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const data$ = hot('  -a 49ms b', { a: bytes('200,4'), b: bytes('2\n') });
        const expected = '   -- 49ms (r|)';
        const session = sessionOver(fakeConnection(data$), { scheduler: testScheduler });
        expectObservable(session.request('*,6,7')).toBe(expected, { r: '200,42' });
      });
    });

    it('never answers with bytes that lack a newline, and ends the session after the stall timeout with an error that suggests chunk framing', () => {
      testScheduler.run(({ hot, expectObservable, flush }) => {
        const data$ = hot('  -a', { a: bytes('200,42') });
        const expected = '   - 500ms #';
        const connection = fakeConnection(data$);
        const session = sessionOver(connection, { scheduler: testScheduler });
        expectObservable(session.request('*,6,7')).toBe(expected, undefined, stalled('200,42'));
        flush();
        expect(connection.destroy.callCount).to.equal(1);
        expect(session.alive).to.equal(false);
        const reason = session.endReason;
        expect(reason).to.be.an.instanceOf(RxnetConnectionError);
        expect(reason?.code).to.equal('ERR_RXNET_CONNECTION');
        expect(reason?.info).to.deep.equal({ address: ADDRESS });
        expect(isTransientError(reason)).to.equal(true);
        expect((reason as Error).cause).to.be.an.instanceOf(RxnetProtocolError);
      });
    });

    it('restarts the stall timeout on every byte and takes the stalled bytes whole', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const data$ = hot('  -a 9ms b', { a: bytes('200,'), b: bytes('42') });
        const expected = '   - 9ms - 30ms #';
        const session = sessionOver(fakeConnection(data$), { stallTimeout: 30, scheduler: testScheduler });
        expectObservable(session.request('*,6,7')).toBe(expected, undefined, stalled('200,42', 30));
      });
    });

    it('waits for ever once the server has sent a newline: a line server is never timed out by the session', () => {
      testScheduler.run(({ hot, expectObservable, flush }) => {
        const data$ = hot('  -a--b', { a: bytes('200,1\n'), b: bytes('200,') });
        const first = '      -(r|)';
        const second = '     --^';
        const connection = fakeConnection(data$);
        const session = sessionOver(connection, { scheduler: testScheduler });
        expectObservable(session.request('+,0,1')).toBe(first, { r: '200,1' });
        expectObservable(session.request('+,3,4'), second).toBe('');
        flush();
        expect(session.alive).to.equal(true);
        expect(connection.destroy.callCount).to.equal(0);
      });
    });

    it('does not time a stall when another session of the same client has seen a newline', () => {
      testScheduler.run(({ hot, expectObservable, flush }) => {
        const termination: ReplyTermination = { terminated: true };
        const data$ = hot('-a', { a: bytes('200,42') });
        const session = sessionOver(fakeConnection(data$), { termination, scheduler: testScheduler });
        expectObservable(session.request('*,6,7')).toBe('');
        flush();
        expect(session.alive).to.equal(true);
      });
    });

    it('waits for ever with stallTimeout 0', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const data$ = hot('-a', { a: bytes('200,42') });
        const session = sessionOver(fakeConnection(data$), { stallTimeout: 0, scheduler: testScheduler });
        expectObservable(session.request('*,6,7')).toBe('');
      });
    });

    it('times the stall on the scheduler it is given', () => {
      const scheduler = new TestScheduler((actual, expected) => {
        expect(actual).to.deep.equal(expected);
      });
      // Outside run(): only the scheduler passed in can time the stall (10 virtual ms a frame).
      const data$ = scheduler.createHotObservable<Buffer>('-a', { a: bytes('200,42') });
      const session = sessionOver(fakeConnection(data$), { stallTimeout: 30, scheduler });
      let failedAt: number | undefined;
      session.request('*,6,7').subscribe({ error: () => (failedAt = scheduler.now()) });
      scheduler.flush();
      expect(failedAt).to.equal(40);
    });
  });

  describe("framing 'chunk' (the original seed server)", () => {
    it('takes a reply without a newline after the quiet gap', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const data$ = hot('  -a', { a: bytes('200,42') });
        const expected = '   - 20ms (r|)';
        const session = sessionOver(fakeConnection(data$), { framing: 'chunk', scheduler: testScheduler });
        expectObservable(session.request('*,6,7')).toBe(expected, { r: '200,42' });
      });
    });

    it('takes successive seed replies, one request at a time', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const data$ = hot('  -a 29ms b', { a: bytes('200,2'), b: bytes('300,-1') });
        const session = sessionOver(fakeConnection(data$), { framing: 'chunk', scheduler: testScheduler });
        expectObservable(session.request('+,1,1')).toBe('- 20ms (r|)', { r: '200,2' });
        expectObservable(session.request('/,1,0'), '25ms ^').toBe('30ms - 20ms (r|)', { r: '300,-1' });
      });
    });

    it('is a line server for good after one newline-terminated reply: a later reply split by a long pause is joined, not cut', () => {
      testScheduler.run(({ hot, expectObservable, flush }) => {
        const data$ = hot('  -a--b 49ms c', { a: bytes('200,1\n'), b: bytes('200,4'), c: bytes('2\n') });
        const connection = fakeConnection(data$);
        const session = sessionOver(connection, { framing: 'chunk', scheduler: testScheduler });
        expectObservable(session.request('+,0,1')).toBe('-(r|)', { r: '200,1' });
        expectObservable(session.request('*,6,7'), '--^').toBe('----- 49ms (r|)', { r: '200,42' });
        flush();
        expect(session.alive).to.equal(true);
      });
    });

    it('never takes unterminated bytes when another session of the same client has seen a newline', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const termination: ReplyTermination = { terminated: false };
        const sibling$ = hot('-a', { a: bytes('200,1\n') });
        const data$ = hot('   --b', { b: bytes('200,42') });
        const sibling = sessionOver(fakeConnection(sibling$), { framing: 'chunk', termination, scheduler: testScheduler });
        const session = sessionOver(fakeConnection(data$), { framing: 'chunk', termination, scheduler: testScheduler });
        expectObservable(sibling.request('+,0,1')).toBe('-(r|)', { r: '200,1' });
        expectObservable(session.request('*,6,7')).toBe('');
      });
    });
  });
});
