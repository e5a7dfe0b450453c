import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, guardHandshakes } from '../../lib/transport/guardHandshakes.js';

/** A socket as the guard sees it: its addresses, destroy() (which closes it) and allowHalfOpen. */
interface FakeSocket extends EventEmitter {
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  localAddress: string;
  localPort: number;
  destroyed: boolean;
  allowHalfOpen: boolean;
  destroy(): void;
}

function fakeSocket(remotePort: number | undefined): FakeSocket {
  const socket = Object.assign(new EventEmitter(), {
    remoteAddress: remotePort === undefined ? undefined : '127.0.0.1',
    remotePort,
    localAddress: '127.0.0.1',
    localPort: 9443,
    destroyed: false,
    allowHalfOpen: false,
    destroy(): void {
      if (socket.destroyed) return;
      socket.destroyed = true;
      socket.emit('close');
    },
  });
  return socket;
}

/** Its TLS socket: the same addresses, another object (as node:tls hands it over). */
const tlsOf = (raw: FakeSocket): FakeSocket => fakeSocket(raw.remotePort);

const EVENTS = ['connection', 'secureConnection', 'tlsClientError', 'close'];

describe('guardHandshakes', () => {
  let testScheduler: TestScheduler;

  /** A fake server guarded with a 100 ms deadline on the test scheduler, and its handshaking counts. */
  function guarded(): { server: EventEmitter; handshaking: Subject<number> } {
    const server = new EventEmitter();
    const handshaking = new Subject<number>();
    guardHandshakes(server, { handshakeTimeoutMs: 100, scheduler: testScheduler, onHandshaking: (n) => handshaking.next(n) });
    return { server, handshaking };
  }

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('has a default deadline of 10 s', () => {
    expect(DEFAULT_HANDSHAKE_TIMEOUT_MS).to.equal(10_000);
  });

  it('issue 11: closes a connection whose handshake is not done handshakeTimeoutMs after it arrived, and counts it meanwhile', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { server, handshaking } = guarded();
      const a = fakeSocket(1001);
      const b = fakeSocket(1002);
      expectObservable(handshaking).toBe('1 49ms 2 49ms 1 49ms 0', [0, 1, 2]);
      cold('a 49ms b', { a, b }).subscribe((socket) => server.emit('connection', socket as unknown as Socket));
      testScheduler.flush();
      expect([a.destroyed, b.destroyed]).to.deep.equal([true, true]);
      expect(testScheduler.now()).to.equal(150);
    });
  });

  it('stops the deadline once the handshake is done, and makes the connection half-open', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { server, handshaking } = guarded();
      const raw = fakeSocket(1001);
      const tls = tlsOf(raw);
      expectObservable(handshaking).toBe('1 29ms 0', [0, 1]);
      cold('c 29ms s', { c: 'connection', s: 'secureConnection' }).subscribe((event) => server.emit(event, event === 'connection' ? raw : tls));
      testScheduler.flush();
      expect(raw.destroyed, 'no deadline after the handshake').to.equal(false);
      expect(tls.allowHalfOpen).to.equal(true);
    });
  });

  it('counts a connection that closes during its handshake (a FIN, a reset) no more', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { server, handshaking } = guarded();
      const raw = fakeSocket(1001);
      expectObservable(handshaking).toBe('1 9ms 0', [0, 1]);
      cold('c 9ms x', { c: 'connection', x: 'close' }).subscribe((event) => (event === 'close' ? raw.destroy() : server.emit(event, raw)));
    });
  });

  it('destroys the socket of a tlsClientError (a protocol error, a FIN or reset, node:tls own timeout)', () => {
    const server = new EventEmitter();
    guardHandshakes(server, { scheduler: testScheduler });
    const raw = fakeSocket(1001);
    const tls = tlsOf(raw);
    server.emit('connection', raw);
    server.emit('tlsClientError', new Error('socket hang up'), tls);
    expect(tls.destroyed).to.equal(true);
  });

  it('closes at once a connection whose peer is already gone (no remote address), counting nothing', () => {
    const server = new EventEmitter();
    const counts: number[] = [];
    guardHandshakes(server, { scheduler: testScheduler, onHandshaking: (n) => counts.push(n) });
    const gone = fakeSocket(undefined);
    server.emit('connection', gone);
    expect(gone.destroyed).to.equal(true);
    expect(counts).to.deep.equal([]);
  });

  it('closes an earlier connection with the same addresses whose close is still to come', () => {
    const server = new EventEmitter();
    const counts: number[] = [];
    guardHandshakes(server, { scheduler: testScheduler, onHandshaking: (n) => counts.push(n) });
    const stale = Object.assign(fakeSocket(1001), { destroy: () => (stale.destroyed = true) }); // its 'close' comes later
    const fresh = fakeSocket(1001);
    server.emit('connection', stale);
    server.emit('connection', fresh);
    expect(stale.destroyed).to.equal(true);
    stale.emit('close');
    expect(counts, 'the late close of the stale one does not count the fresh one out').to.deep.equal([1, 1]);
    server.emit('secureConnection', tlsOf(fresh));
    expect(counts).to.deep.equal([1, 1, 0]);
  });

  it('removes every listener it added when the server closes, and stops the deadlines', () => {
    testScheduler.run(() => {
      const server = new EventEmitter();
      const before = EVENTS.map((e) => server.listenerCount(e));
      guardHandshakes(server, { handshakeTimeoutMs: 100, scheduler: testScheduler });
      expect(EVENTS.map((e) => server.listenerCount(e))).to.deep.equal([1, 1, 1, 1]);
      const raw = fakeSocket(1001);
      server.emit('connection', raw);
      server.emit('close');
      expect(EVENTS.map((e) => server.listenerCount(e))).to.deep.equal(before);
      testScheduler.flush();
      expect(raw.destroyed, 'no deadline after the close').to.equal(false);
    });
  });
});
