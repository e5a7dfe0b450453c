import { expect } from 'chai';
import type { Socket } from 'node:net';
import sinon from 'sinon';
import { createTcpConnection } from '../../lib/transport/TcpConnection.js';
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
});
