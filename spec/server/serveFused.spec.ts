import { expect } from 'chai';
import { connect, createServer, type Socket } from 'node:net';
import type { Subscription } from 'rxjs';
import { calcPipeline } from '../../lib/calc/server/calcPipeline.js';
import { serveTcp } from '../../lib/server/serveTcp.js';
import { ServerStats } from '../../lib/server/ServerStats.js';

const EVENTS = ['data', 'end', 'close', 'error', 'drain', 'timeout'] as const;

function listenerCounts(socket: Socket): Record<string, number> {
  return Object.fromEntries(EVENTS.map((name) => [name, socket.listenerCount(name)]));
}

function closed(socket: Socket): Promise<void> {
  return socket.destroyed && socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

/** The listeners Node itself leaves on an accepted socket that was read, answered and closed like ours. */
async function plainClosedSocket(): Promise<Record<string, number>> {
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  const socket = await accepted;
  socket.resume();
  client.end();
  socket.once('end', () => socket.end());
  await Promise.all([closed(socket), closed(client)]);
  await new Promise((resolve) => server.close(resolve));
  return listenerCounts(socket);
}

/** A fused calc server on port 0 that hands over each accepted socket. */
async function fusedServer(stats: ServerStats): Promise<{ port: number; sockets: Socket[]; subscription: Subscription }> {
  const sockets: Socket[] = [];
  let subscription: Subscription | undefined;
  const port = await new Promise<number>((resolve) => {
    subscription = serveTcp(
      { port: 0, stats, idleTimeoutMs: 60_000, onListening: (a) => resolve(a.port), onConnection: (c) => sockets.push(c.socket) },
      calcPipeline(),
    ).subscribe();
  });
  return { port, sockets, subscription: subscription as Subscription };
}

describe('serveFused', () => {
  it('leaves a served socket with only the listeners of a plain one once it has closed (no closure of a connection left behind)', async () => {
    const plain = await plainClosedSocket();
    const stats = new ServerStats();
    const { port, sockets, subscription } = await fusedServer(stats);
    try {
      const client = connect(port, '127.0.0.1');
      let got = '';
      client.on('data', (data) => (got += data.toString('latin1')));
      client.end('+,1,1\n');
      await closed(client);
      const socket = sockets[0] as Socket;
      await closed(socket);
      expect(got).to.equal('200,2\n');
      expect(stats.openConnections).to.equal(0);
      // The idle timeout's listener is listenTcp's and stays with the socket, as Node's own would.
      expect({ ...listenerCounts(socket), timeout: 0 }).to.deep.equal({ ...plain, timeout: 0 });
    } finally {
      subscription.unsubscribe();
    }
  });

  it('leaves no listener of its own on the sockets it destroys when unsubscribed, and counts them closed', async () => {
    const plain = await plainClosedSocket();
    const stats = new ServerStats();
    const { port, sockets, subscription } = await fusedServer(stats);
    const clients = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    for (const client of clients) client.on('error', () => {});
    while (sockets.length < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(stats.openConnections).to.equal(2);
    subscription.unsubscribe();
    await Promise.all([...sockets, ...clients].map(closed));
    expect(stats.openConnections).to.equal(0);
    for (const socket of sockets) expect({ ...listenerCounts(socket), timeout: 0 }).to.deep.equal({ ...plain, timeout: 0 });
  });
});
