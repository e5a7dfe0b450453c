import { expect } from 'chai';
import { Subject, firstValueFrom, take, type Subscription } from 'rxjs';
import { listenTcp } from '../../lib/transport/listenTcp.js';
import type { SocketAddress } from '../../lib/transport/SocketAddress.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { closed, openSocket, sleep, connectOutcome } from '../helpers/rawTcp.js';

/** Subscribes to listenTcp on port 0 and resolves with the bound address and the connections. */
function listen(): Promise<{ address: SocketAddress; connections: Subject<TcpConnection>; subscription: Subscription; whenClosed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const connections = new Subject<TcpConnection>();
    let markClosed: () => void = () => {};
    const whenClosed = new Promise<void>((done) => (markClosed = done));
    const subscription = listenTcp({
      port: 0,
      onListening: (address) => resolve({ address, connections, subscription, whenClosed }),
      onClosed: () => markClosed(),
    }).subscribe({ next: (c) => connections.next(c), error: reject });
  });
}


describe('listenTcp', () => {
  it('listens on a free port when asked for port 0 and reports the bound address', async () => {
    const { address, subscription, whenClosed } = await listen();
    expect(address.address).to.equal('127.0.0.1');
    expect(address.port).to.be.greaterThan(0);
    subscription.unsubscribe();
    await whenClosed;
  });

  it('emits each accepted connection with a distinct id and the peer address', async () => {
    const { address, connections, subscription, whenClosed } = await listen();
    const seen: TcpConnection[] = [];
    connections.subscribe((c) => seen.push(c));
    const a = await openSocket(address.port);
    const b = await openSocket(address.port);
    await sleep(20);
    expect(seen.map((c) => c.id)).to.deep.equal([1, 2]);
    expect(seen[0]?.remote.port).to.equal(a.localPort);
    a.destroy();
    b.destroy();
    subscription.unsubscribe();
    await whenClosed;
  });

  it('delivers inbound bytes on data$ and completes it when the peer ends', async () => {
    const { address, connections, subscription, whenClosed } = await listen();
    const connection = firstValueFrom(connections.pipe(take(1)));
    const client = await openSocket(address.port);
    const conn = await connection;
    const chunks: string[] = [];
    const completed = new Promise<void>((resolve) => conn.data$.subscribe({ next: (c) => chunks.push(c.toString()), complete: resolve }));
    client.end('hello');
    await completed;
    expect(chunks.join('')).to.equal('hello');
    subscription.unsubscribe();
    await whenClosed;
  });

  it('errors data$ with ECONNRESET when the peer resets, and other connections go on', async () => {
    const { address, connections, subscription, whenClosed } = await listen();
    const seen: TcpConnection[] = [];
    connections.subscribe((c) => seen.push(c));
    const victim = await openSocket(address.port);
    const survivor = await openSocket(address.port);
    await sleep(20);
    const [first, second] = seen as [TcpConnection, TcpConnection];
    const error = new Promise<NodeJS.ErrnoException>((resolve) => first.data$.subscribe({ error: resolve }));
    const echoed = new Promise<string>((resolve) => second.data$.subscribe((c) => resolve(c.toString())));
    victim.resetAndDestroy();
    expect((await error).code).to.equal('ECONNRESET');
    survivor.write('still here');
    expect(await echoed).to.equal('still here');
    survivor.destroy();
    subscription.unsubscribe();
    await whenClosed;
  });

  it('errors with EADDRINUSE when the port is taken', async () => {
    const { address, subscription, whenClosed } = await listen();
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => listenTcp({ port: address.port }).subscribe({ error: resolve }));
    expect(err.code).to.equal('EADDRINUSE');
    subscription.unsubscribe();
    await whenClosed;
  });

  describe('unsubscribe', () => {
    it('closes the listening socket, destroys every connection and removes its listeners', async () => {
      const { address, connections, subscription, whenClosed } = await listen();
      const seen: TcpConnection[] = [];
      connections.subscribe((c) => seen.push(c));
      const client = await openSocket(address.port);
      await sleep(20);
      const serverSide = (seen[0] as TcpConnection).socket;
      subscription.unsubscribe();
      await whenClosed;
      await closed(client);
      expect(serverSide.destroyed).to.equal(true);
      expect(await connectOutcome(address.port)).to.equal('ECONNREFUSED');
    });

    it('removes the data$ listeners it added and pauses reading', async () => {
      const { address, connections, subscription, whenClosed } = await listen();
      const connection = firstValueFrom(connections.pipe(take(1)));
      const client = await openSocket(address.port);
      const conn = await connection;
      const before = ['data', 'end', 'close', 'error'].map((e) => conn.socket.listenerCount(e));
      const inner = conn.data$.subscribe();
      inner.unsubscribe();
      const after = ['data', 'end', 'close', 'error'].map((e) => conn.socket.listenerCount(e));
      expect(after).to.deep.equal(before);
      expect(conn.socket.isPaused()).to.equal(true);
      client.destroy();
      subscription.unsubscribe();
      await whenClosed;
    });
  });

  describe('#send', () => {
    it('pauses reading while the write buffer is full and resumes on drain (a peer that never reads)', async function () {
      this.timeout(10000);
      const { address, connections, subscription, whenClosed } = await listen();
      const connection = firstValueFrom(connections.pipe(take(1)));
      const client = await openSocket(address.port);
      const conn = await connection;
      // Deliberate amplification: each inbound byte is answered with 64 bytes.
      let maxBuffered = 0;
      let largestReply = 0;
      conn.data$.subscribe((chunk) => {
        const reply = Buffer.alloc(chunk.length * 64, 120);
        largestReply = Math.max(largestReply, reply.length);
        conn.send(reply);
        maxBuffered = Math.max(maxBuffered, conn.socket.writableLength);
      });
      client.pause();
      let sent = 0;
      for (let i = 0; i < 400; i += 1) {
        client.write(Buffer.alloc(1024, 49));
        sent += 1024;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await sleep(300);
      // The kernel buffers fill, the server stops reading: less than all was read, and its
      // own buffer holds at most one chunk's reply over the high-water mark.
      expect(conn.socket.isPaused()).to.equal(true);
      expect(conn.socket.bytesRead).to.be.lessThan(sent);
      expect(maxBuffered).to.be.at.most(largestReply + conn.socket.writableHighWaterMark);
      // Once the client reads, the server drains and resumes, and reads everything.
      client.resume();
      client.on('data', () => {});
      const deadline = Date.now() + 8000;
      while (conn.socket.bytesRead < sent && Date.now() < deadline) await sleep(20);
      expect(conn.socket.bytesRead).to.equal(sent);
      client.destroy();
      subscription.unsubscribe();
      await whenClosed;
    });

    it('sends writes of one tick together, in order', async () => {
      const { address, connections, subscription, whenClosed } = await listen();
      const connection = firstValueFrom(connections.pipe(take(1)));
      const client = await openSocket(address.port);
      const conn = await connection;
      const received: string[] = [];
      client.on('data', (c: Buffer) => received.push(c.toString()));
      for (let i = 0; i < 100; i += 1) conn.send(`${i}\n`);
      conn.end();
      await closed(client);
      expect(received.join('')).to.equal(Array.from({ length: 100 }, (_, i) => `${i}\n`).join(''));
      client.destroy();
      subscription.unsubscribe();
      await whenClosed;
    });

    it('is ignored once the socket is destroyed', async () => {
      const { address, connections, subscription, whenClosed } = await listen();
      const connection = firstValueFrom(connections.pipe(take(1)));
      const client = await openSocket(address.port);
      const conn = await connection;
      conn.destroy();
      expect(() => conn.send('late\n')).not.to.throw();
      expect(conn.socket.bytesWritten).to.equal(0);
      conn.destroy();
      client.destroy();
      subscription.unsubscribe();
      await whenClosed;
    });
  });
});
