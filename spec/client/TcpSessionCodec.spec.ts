import { expect } from 'chai';
import type { Socket } from 'node:net';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import sinon from 'sinon';
import { codecReplies } from '../../lib/client/codecReplies.js';
import { TcpSession } from '../../lib/client/TcpSession.js';
import { lengthFieldCodec } from '../../lib/codec/lengthFieldCodec.js';
import {
  ERR_RXNET_BAD_LENGTH_FIELD,
  ERR_RXNET_OUT_OF_STEP,
  ERR_RXNET_UNENCODABLE_FRAME,
  RxnetConnectionError,
  RxnetFramingError,
  RxnetOutOfStepError,
  isTransientError,
} from '../../lib/errors.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';

const ADDRESS = 'tcp://127.0.0.1:9000';
/** A frame of a 2-byte big-endian length and a text body. */
const frame = (body: string): Buffer => Buffer.concat([Buffer.from([0, Buffer.byteLength(body)]), Buffer.from(body)]);
const codec = lengthFieldCodec({ lengthFieldLength: 2 });

/** A fake connection: `data$` is what the server sends, `send` and `destroy` are spies. */
function fakeConnection(data$: Observable<Buffer>): TcpConnection & { send: sinon.SinonSpy; destroy: sinon.SinonSpy } {
  return {
    id: 3,
    remote: { address: '127.0.0.1', port: 9000, family: 'IPv4' },
    socket: {} as Socket,
    data$,
    send: sinon.spy(),
    end: () => {},
    hold: () => () => {},
    destroy: sinon.spy(),
  };
}

function sessionOver(connection: TcpConnection): TcpSession<Uint8Array | string, Uint8Array> {
  return new TcpSession(connection, { address: ADDRESS, replies: codecReplies(codec), encode: codec.encode });
}

const text = (reply: Uint8Array): string => Buffer.from(reply).toString();

describe('TcpSession over a codec (marbles, a fake connection)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('encodes each request with the codec and matches pipelined binary replies in order, across any split', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const both = Buffer.concat([frame('one'), frame('two')]);
      const data$ = hot('  --a--b-', { a: both.subarray(0, 6), b: both.subarray(6) });
      const connection = fakeConnection(data$);
      const session = sessionOver(connection);
      expectObservable(session.request('1').pipe((source) => source)).toBe('--(r|)', { r: Buffer.from('one') });
      expectObservable(session.request('2')).toBe('-----(r|)', { r: Buffer.from('two') });
      expectSubscriptions(data$.subscriptions).toBe('^------');
      testScheduler.flush();
      expect(connection.send.args.map(([payload]) => Buffer.from(payload as Uint8Array))).to.deep.equal([frame('1'), frame('2')]);
    });
  });

  it('refuses a request the codec cannot encode, sending nothing', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const connection = fakeConnection(hot('-'));
      const session = new TcpSession(connection, { address: ADDRESS, replies: codecReplies(codec), encode: lengthFieldCodec({ lengthFieldLength: 1 }).encode });
      const tooLong = 'x'.repeat(256);
      let caught: unknown;
      session.request(tooLong).subscribe({ error: (err: unknown) => (caught = err) });
      expect(caught).to.be.an.instanceOf(RxnetFramingError).with.property('code', ERR_RXNET_UNENCODABLE_FRAME);
      expect(connection.send.called).to.equal(false);
      expectObservable(session.request('ok').pipe()).toBe('-');
    });
  });

  it('ends the session with an RxnetOutOfStepError (transient) on a reply that answers no request', () => {
    testScheduler.run(({ hot }) => {
      const connection = fakeConnection(hot('--a', { a: Buffer.concat([frame('one'), frame('extra')]) }));
      const onEnd = sinon.spy();
      const session = new TcpSession(connection, { address: ADDRESS, replies: codecReplies(codec), encode: codec.encode }, { onEnd });
      const replies: string[] = [];
      session.request('1').subscribe((reply) => replies.push(text(reply)));
      testScheduler.flush();
      expect(replies).to.deep.equal(['one']);
      const reason = onEnd.firstCall.args[1] as RxnetOutOfStepError;
      expect(reason).to.be.an.instanceOf(RxnetOutOfStepError);
      expect(reason.code).to.equal(ERR_RXNET_OUT_OF_STEP);
      expect(reason.message).to.equal(`Connection to ${ADDRESS} (session 3) was dropped: a reply came with no request outstanding`);
      expect(isTransientError(reason)).to.equal(true);
      expect(session.alive).to.equal(false);
      expect(connection.destroy.calledOnce).to.equal(true);
    });
  });

  it('errors the first request with the codec failure and the others with a transient connection error', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // A 2-byte length of 1 is shorter than the header with lengthAdjustment -2: a bad length field.
      const badCodec = lengthFieldCodec({ lengthFieldLength: 2, lengthAdjustment: -4 });
      const connection = fakeConnection(hot('--a', { a: Buffer.from([0, 1, 0x61]) }));
      const session = new TcpSession(connection, { address: ADDRESS, replies: codecReplies(badCodec), encode: badCodec.encode });
      let first: unknown;
      session.request('a').subscribe({ error: (err: unknown) => (first = err) });
      const dropped = new RxnetConnectionError(`Connection to ${ADDRESS} (session 3) was dropped after an invalid reply`, { address: ADDRESS });
      expectObservable(session.request('b')).toBe('--#', undefined, dropped);
      testScheduler.flush();
      expect(first).to.be.an.instanceOf(RxnetFramingError).with.property('code', ERR_RXNET_BAD_LENGTH_FIELD);
    });
  });

  it('discards a frame cut by the end of the stream, and errors outstanding requests as closed by the server', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const connection = fakeConnection(hot('--a--|', { a: frame('whole').subarray(0, 3) }));
      const session = sessionOver(connection);
      const closed = new RxnetConnectionError(`Connection to ${ADDRESS} (session 3) was closed by the server`, { address: ADDRESS });
      expectObservable(session.request('1')).toBe('-----#', undefined, closed);
    });
  });

  it('should allow unsubscribing explicitly and early: the slot is kept and its reply discarded', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const connection = fakeConnection(hot('----a-b', { a: frame('one'), b: frame('two') }));
      const session = sessionOver(connection);
      expectObservable(session.request('1'), '--!').toBe('--');
      expectObservable(session.request('2')).toBe('------(r|)', { r: Buffer.from('two') });
    });
  });
});
