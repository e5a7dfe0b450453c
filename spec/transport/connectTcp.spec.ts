import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Observable } from 'rxjs';
import { isRxnetError } from '../../lib/errors.js';
import { connectTcp } from '../../lib/transport/connectTcp.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { fakeServer, freePort, sleep, type FakeServer } from '../client/fakeServers.js';

/** Subscribes and resolves with the first connection (the subscription stays open). */
function open(source: Observable<TcpConnection>): Promise<{ connection: TcpConnection; unsubscribe: () => void; completed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let markCompleted: () => void = () => {};
    const completed = new Promise<void>((done) => (markCompleted = done));
    const subscription = source.subscribe({
      next: (connection) => resolve({ connection, unsubscribe: () => subscription.unsubscribe(), completed }),
      error: reject,
      complete: () => markCompleted(),
    });
  });
}

function whenClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
}

/** Listener counts per event, for comparing a socket with a plain one. */
function listenerCounts(socket: Socket): Record<string, number> {
  return Object.fromEntries(['connect', 'data', 'end', 'close', 'error', 'drain', 'timeout'].map((name) => [name, socket.listenerCount(name)]));
}

describe('connectTcp', () => {
  let server: FakeServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('emits one connection once connected, with the id asked for and the server as its remote address', async () => {
    server = await fakeServer(() => {});
    const { connection, unsubscribe } = await open(connectTcp({ port: server.port, id: 42 }));
    expect(connection.id).to.equal(42);
    expect(connection.remote).to.deep.equal({ address: '127.0.0.1', port: server.port, family: 'IPv4' });
    unsubscribe();
    await whenClosed(connection.socket);
  });

  it('gives each connection a distinct id when none is asked for', async () => {
    server = await fakeServer(() => {});
    const a = await open(connectTcp({ port: server.port }));
    const b = await open(connectTcp({ port: server.port }));
    expect(a.connection.id).to.not.equal(b.connection.id);
    a.unsubscribe();
    b.unsubscribe();
    await Promise.all([whenClosed(a.connection.socket), whenClosed(b.connection.socket)]);
  });

  it('keeps the bytes the server sends before data$ is subscribed', async () => {
    server = await fakeServer((socket) => socket.write('hello\n'));
    const { connection, unsubscribe } = await open(connectTcp({ port: server.port }));
    await sleep(30);
    const chunks: string[] = [];
    const sub = connection.data$.subscribe((chunk) => chunks.push(chunk.toString()));
    await sleep(20);
    expect(chunks.join('')).to.equal('hello\n');
    sub.unsubscribe();
    unsubscribe();
    await whenClosed(connection.socket);
  });

  it('sends bytes to the server and receives its answer on data$', async () => {
    server = await fakeServer((socket) => socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase())));
    const { connection, unsubscribe } = await open(connectTcp({ port: server.port }));
    const received = new Promise<string>((resolve) => connection.data$.subscribe((chunk) => resolve(chunk.toString())));
    connection.send('ping');
    expect(await received).to.equal('PING');
    unsubscribe();
    await whenClosed(connection.socket);
  });

  it('errors with the raw ECONNREFUSED system error when nothing listens, and calls onClosed', async () => {
    const port = await freePort();
    let closedCalls = 0;
    const onClosedCalled = new Promise<void>((resolve) => {
      connectTcp({ port, onClosed: () => ((closedCalls += 1), resolve()) }).subscribe({ error: () => {} });
    });
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => connectTcp({ port }).subscribe({ error: resolve }));
    expect(error).to.be.instanceOf(Error);
    expect(isRxnetError(error)).to.equal(false);
    expect(error.code).to.equal('ECONNREFUSED');
    expect(error.message).to.equal(`connect ECONNREFUSED 127.0.0.1:${port}`);
    await onClosedCalled;
    expect(closedCalls).to.equal(1);
  });

  it('completes once the server has closed the connection', async () => {
    server = await fakeServer((socket) => setTimeout(() => socket.destroy(), 10));
    const { connection, completed } = await open(connectTcp({ port: server.port }));
    connection.data$.subscribe({ error: () => {} });
    await completed;
    expect(connection.socket.destroyed).to.equal(true);
  });

  it('destroys the socket when unsubscribed, and the server sees the connection close', async () => {
    const serverSide: Socket[] = [];
    server = await fakeServer((socket) => serverSide.push(socket));
    const { connection, unsubscribe } = await open(connectTcp({ port: server.port }));
    await sleep(10);
    unsubscribe();
    expect(connection.socket.destroyed).to.equal(true);
    await whenClosed(serverSide[0] as Socket);
  });

  it('leaves the socket with the listeners of a plain socket once closed after unsubscribe', async () => {
    server = await fakeServer(() => {});
    const plain = connect({ port: server.port, host: '127.0.0.1' });
    await new Promise((resolve) => plain.once('connect', resolve));
    plain.destroy();
    await whenClosed(plain);

    let markClosed: () => void = () => {};
    const closeEmitted = new Promise<void>((resolve) => (markClosed = resolve));
    const { connection, unsubscribe } = await open(connectTcp({ port: server.port, onClosed: () => markClosed() }));
    const sub = connection.data$.subscribe();
    sub.unsubscribe();
    unsubscribe();
    await closeEmitted;
    expect(listenerCounts(connection.socket)).to.deep.equal(listenerCounts(plain));
  });

  it('abandons a connection attempt still in progress when unsubscribed at once, emitting nothing', async () => {
    server = await fakeServer(() => {});
    const values: TcpConnection[] = [];
    const socketClosed = new Promise<void>((resolve) => {
      connectTcp({ port: server!.port, onClosed: resolve })
        .subscribe({ next: (c) => values.push(c) })
        .unsubscribe();
    });
    await socketClosed;
    await sleep(10);
    expect(values).to.deep.equal([]);
  });

  describe('other endpoints', () => {
    let other: Server | undefined;
    let dir: string | undefined;

    /** An echo server listening where `listen` says; resolves once listening. */
    function echoServer(listen: (server: Server, ready: () => void) => void): Promise<Server> {
      const created = createServer((socket) => socket.on('error', () => {}).on('data', (chunk: Buffer) => socket.write(chunk)));
      other = created;
      return new Promise((resolve) => listen(created, () => resolve(created)));
    }

    async function echoes(connection: TcpConnection): Promise<string> {
      const received = new Promise<string>((resolve) => connection.data$.subscribe((chunk) => resolve(chunk.toString())));
      connection.send('ping\n');
      return received;
    }

    afterEach(async () => {
      await new Promise<void>((resolve) => (other === undefined ? resolve() : other.close(() => resolve())));
      other = undefined;
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    it('connects to a Unix domain socket at path, with the path as its remote address', async () => {
      dir = mkdtempSync(join(tmpdir(), 'rxnet-connect-'));
      const path = join(dir, 'echo.sock');
      await echoServer((server, ready) => server.listen({ path }, ready));
      const { connection, unsubscribe } = await open(connectTcp({ path, id: 7 }));
      expect(connection.id).to.equal(7);
      expect(connection.remote).to.deep.equal({ address: path, port: 0, family: 'unix' });
      expect(await echoes(connection)).to.equal('ping\n');
      unsubscribe();
      await whenClosed(connection.socket);
    });

    it('errors with the raw ENOENT when no socket file exists at path', async () => {
      dir = mkdtempSync(join(tmpdir(), 'rxnet-connect-'));
      const path = join(dir, 'missing.sock');
      const error = await new Promise<NodeJS.ErrnoException>((resolve) => connectTcp({ path }).subscribe({ error: resolve }));
      expect(error.code).to.equal('ENOENT');
      expect(error.message).to.equal(`connect ENOENT ${path}`);
    });

    it('connects to an IPv6 host (::1)', async () => {
      const server = await echoServer((created, ready) => created.listen({ host: '::1', port: 0 }, ready));
      const port = (server.address() as { port: number }).port;
      const { connection, unsubscribe } = await open(connectTcp({ host: '::1', port }));
      expect(connection.remote).to.deep.equal({ address: '::1', port, family: 'IPv6' });
      expect(await echoes(connection)).to.equal('ping\n');
      unsubscribe();
      await whenClosed(connection.socket);
    });
  });
});
