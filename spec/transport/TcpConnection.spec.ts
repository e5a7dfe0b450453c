import { expect } from 'chai';
import type { Socket } from 'node:net';
import { firstValueFrom, map } from 'rxjs';
import { createTcpConnection } from '../../lib/transport/TcpConnection.js';
import { wrapConnection } from '../../lib/transport/wrapConnection.js';
import { socketPair } from '../helpers/socketPair.js';

/** A connected pair: our side accepted (paused, as listenTcp leaves it), and the peer's socket. */
async function pair(): Promise<{ ours: Socket; peer: Socket; close(): Promise<void> }> {
  const { accepted, client, close } = await socketPair({ allowHalfOpen: true, pauseOnConnect: true });
  return { ours: accepted, peer: client, close };
}

const closed = (socket: Socket): Promise<void> => new Promise((resolve) => socket.once('close', () => resolve()));

describe('TcpConnection', () => {
  it('hands later bytes to a second data$ subscriber once the first unsubscribed', async () => {
    const { ours, peer, close } = await pair();
    try {
      const connection = createTcpConnection(ours, 1);
      const first = await new Promise<string>((resolve) => {
        const subscription = connection.data$.subscribe((chunk) => {
          subscription.unsubscribe();
          resolve(chunk.toString());
        });
        peer.write('a');
      });
      const second = firstValueFrom(connection.data$);
      peer.write('b');
      expect([first, (await second).toString()]).to.deep.equal(['a', 'b']);
    } finally {
      await close();
    }
  });

  it('keeps a socket error with no data$ subscriber from being unhandled, and removes its listeners at close', async () => {
    const { ours, close } = await pair();
    try {
      const before = ['data', 'end', 'close', 'error', 'drain'].map((e) => ours.listenerCount(e));
      createTcpConnection(ours, 1);
      const gone = closed(ours);
      ours.destroy(new Error('boom')); // would throw as an unhandled 'error' without a listener
      await gone;
      expect(['data', 'end', 'close', 'error', 'drain'].map((e) => ours.listenerCount(e))).to.deep.equal(before);
    } finally {
      await close();
    }
  });

  it('errors data$ with the socket error', async () => {
    const { ours, close } = await pair();
    try {
      const connection = createTcpConnection(ours, 1);
      const outcome = firstValueFrom(connection.data$).then(
        () => 'value',
        (err: Error) => err.message,
      );
      ours.destroy(new Error('boom'));
      expect(await outcome).to.equal('boom');
    } finally {
      await close();
    }
  });
});

describe('wrapConnection', () => {
  it('replaces what it is given and calls through to the connection for the rest (a spread would lose the methods)', async () => {
    const { ours, peer, close } = await pair();
    try {
      const connection = createTcpConnection(ours, 7);
      expect({ ...connection }.end, 'a spread loses the methods').to.equal(undefined);
      const sent: string[] = [];
      const wrapped = wrapConnection(connection, {
        remote: { address: '/tmp/x.sock', port: 0, family: 'unix' },
        send: (data) => {
          sent.push(String(data));
          connection.send(data);
        },
      });
      expect([wrapped.id, wrapped.socket, wrapped.data$, wrapped.remote.address]).to.deep.equal([7, ours, connection.data$, '/tmp/x.sock']);
      const release = wrapped.hold();
      expect(ours.isPaused()).to.equal(true);
      release();
      let got = '';
      peer.on('data', (data) => (got += data.toString()));
      const ended = new Promise<void>((resolve) => peer.once('end', () => resolve()));
      wrapped.send('hi');
      wrapped.end();
      await ended;
      expect([got, sent, ours.writableEnded]).to.deep.equal(['hi', ['hi'], true]);
      expect(wrapped.stopReading, 'stopReading is passed on').to.be.a('function');
      await firstValueFrom(wrapped.stopReading?.() ?? connection.data$.pipe(map(() => undefined)));
      wrapped.destroy();
      expect(ours.destroyed).to.equal(true);
    } finally {
      await close();
    }
  });
});
