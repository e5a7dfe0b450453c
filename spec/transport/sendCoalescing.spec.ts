import { expect } from 'chai';
import type { Socket } from 'node:net';
import sinon from 'sinon';
import { createTcpConnection, sendNow } from '../../lib/transport/TcpConnection.js';
import { wrapConnection } from '../../lib/transport/wrapConnection.js';
import { socketPair } from '../helpers/socketPair.js';

/** A connected pair on 127.0.0.1: our side (the client) to wrap as a TcpConnection, and the peer's socket. */
async function pair(): Promise<{ ours: Socket; peer: Socket; close(): Promise<void> }> {
  const { accepted, client, close } = await socketPair();
  return { ours: client, peer: accepted, close };
}

describe('TcpConnection#send', () => {
  it('writes the bytes and text sent in one tick as one write, in order', async () => {
    const { ours, peer, close } = await pair();
    try {
      const write = sinon.spy(ours, 'write');
      const connection = createTcpConnection(ours, 1);
      connection.send('a');
      connection.send(Buffer.from([0x62, 0xff]));
      connection.send('c');
      connection.send(Buffer.from('d'));
      const received = new Promise<Buffer>((resolve) => peer.once('data', resolve));
      await new Promise((resolve) => process.nextTick(resolve));
      expect(write.callCount).to.equal(1);
      expect([...(await received)]).to.deep.equal([0x61, 0x62, 0xff, 0x63, 0x64]);
    } finally {
      await close();
    }
  });

  it('writes text alone as one string, and a tick later sends again', async () => {
    const { ours, close } = await pair();
    try {
      const write = sinon.spy(ours, 'write');
      const connection = createTcpConnection(ours, 1);
      connection.send('200,2\n');
      connection.send('200,42\n');
      await new Promise((resolve) => process.nextTick(resolve));
      connection.send(Buffer.from('x'));
      await new Promise((resolve) => process.nextTick(resolve));
      expect(write.args.map((args) => args[0])).to.deep.equal(['200,2\n200,42\n', Buffer.from('x')]);
    } finally {
      await close();
    }
  });

  it('hands what was sent in this tick to the socket before a destroy (a codec error right after a reply)', async () => {
    const { ours, peer, close } = await pair();
    try {
      const connection = createTcpConnection(ours, 1);
      const received = new Promise<Buffer>((resolve) => peer.once('data', resolve));
      connection.send(Buffer.from('ok'));
      connection.destroy();
      expect((await received).toString()).to.equal('ok');
    } finally {
      await close();
    }
  });

  describe('sendNow (the fused path: one write per read)', () => {
    it('writes at once, in the same tick, after what was sent before it in this tick, as one write', async () => {
      const { ours, close } = await pair();
      try {
        const write = sinon.spy(ours, 'write');
        const connection = createTcpConnection(ours, 1);
        sendNow(connection, '200,2\n200,6\n');
        expect(write.args.map((args) => args[0])).to.deep.equal(['200,2\n200,6\n']);
        connection.send('a\n');
        sendNow(connection, 'b\n');
        expect(write.args.map((args) => args[0])).to.deep.equal(['200,2\n200,6\n', 'a\nb\n']);
        await new Promise((resolve) => process.nextTick(resolve));
        expect(write.callCount, 'nothing left for the next tick').to.equal(2);
      } finally {
        await close();
      }
    });

    it('writes promised-ASCII data as latin1 when alone, and as UTF-8 once joined with what was sent before it', async () => {
      const { ours, close } = await pair();
      try {
        const write = sinon.spy(ours, 'write');
        const connection = createTcpConnection(ours, 1);
        sendNow(connection, '200,2\n', 'latin1');
        connection.send('é\n');
        sendNow(connection, '200,3\n', 'latin1');
        expect(write.args.map((args) => [args[0], args[1]])).to.deep.equal([
          ['200,2\n', 'latin1'],
          ['é\n200,3\n', 'utf8'],
        ]);
      } finally {
        await close();
      }
    });

    it('goes through a wrapper\'s own send (a wiretap) and is kept by a wrapper that keeps send', async () => {
      const { ours, close } = await pair();
      try {
        const write = sinon.spy(ours, 'write');
        const connection = createTcpConnection(ours, 1);
        const logged: string[] = [];
        sendNow(wrapConnection(connection, { send: (data) => (logged.push(String(data)), connection.send(data)) }), 'x\n');
        expect([logged, write.callCount]).to.deep.equal([['x\n'], 0]); // sent through the override, written on the next tick
        await new Promise((resolve) => process.nextTick(resolve));
        sendNow(wrapConnection(connection, { remote: { address: 'p', port: 0, family: 'unix' } }), 'y\n');
        expect(write.args.map((args) => args[0])).to.deep.equal(['x\n', 'y\n']);
      } finally {
        await close();
      }
    });
  });
});
