import { expect } from 'chai';
import type { Socket } from 'node:net';
import { Subject, type Subscription } from 'rxjs';
import { listenTcp, type ListenTcpOptions } from '../../lib/transport/listenTcp.js';
import { READ_BUDGET_DEFAULTS } from '../../lib/transport/ReadBudget.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { openSocket, sleep } from '../helpers/rawTcp.js';

/** listenTcp on port 0: its port, its connections, and a way to close it. */
function listen(options: ListenTcpOptions): Promise<{ port: number; connections: Subject<TcpConnection>; subscription: Subscription; whenClosed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const connections = new Subject<TcpConnection>();
    let markClosed: () => void = () => {};
    const whenClosed = new Promise<void>((done) => (markClosed = done));
    const subscription = listenTcp({
      ...options,
      port: 0,
      onListening: (address) => resolve({ port: address.port, connections, subscription, whenClosed }),
      onClosed: () => markClosed(),
    }).subscribe({ next: (c) => connections.next(c), error: reject });
  });
}

/** `length` bytes of a pattern of client `i`, so a lost, doubled or reordered slice shows. */
function pattern(i: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let k = 0; k < length; k += 1) bytes[k] = (i * 7 + k) % 251;
  return bytes;
}

/** Polls until `check` holds or `timeoutMs` passed. */
async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await sleep(20);
}

describe('listenTcp with readSliceBytes: fair reads (issue 11)', () => {
  it('issue 11: hands on at most its two budgets and a slice per turn of the event loop, however many connections are busy, every byte in order', async function () {
    this.timeout(10000);
    const { port, connections, subscription, whenClosed } = await listen({ readSliceBytes: 4096 });
    const clients: Socket[] = [];
    // Turns of the event loop, counted by a setImmediate that queues itself again.
    let turn = 0;
    let counting = true;
    const countTurns = (): void => {
      turn += 1;
      if (counting) setImmediate(countTurns);
    };
    setImmediate(countTurns);
    const perTurn = new Map<number, number>();
    const received = new Map<number, Buffer[]>();
    connections.subscribe((conn) => {
      const chunks: Buffer[] = [];
      received.set(conn.remote.port, chunks);
      conn.data$.subscribe((chunk) => {
        chunks.push(Buffer.from(chunk));
        perTurn.set(turn, (perTurn.get(turn) ?? 0) + chunk.length);
      });
    });
    const each = 256 * 1024;
    try {
      for (let i = 0; i < 40; i += 1) clients.push(await openSocket(port));
      clients.forEach((client, i) => client.write(pattern(i, each)));
      const total = (): number => [...perTurn.values()].reduce((a, b) => a + b, 0);
      await until(() => total() === 40 * each, 8000);
      expect(total()).to.equal(40 * each);
      const busiest = Math.max(...perTurn.values());
      const bound = READ_BUDGET_DEFAULTS.freshBytesPerTurn + READ_BUDGET_DEFAULTS.bytesPerTurn + READ_BUDGET_DEFAULTS.maxSliceBytes;
      expect(busiest, `bytes handed on in the busiest of ${perTurn.size} turns`).to.be.at.most(bound);
      clients.forEach((client, i) => {
        expect(Buffer.concat(received.get(client.localPort ?? 0) ?? []).equals(pattern(i, each)), `client ${i}'s bytes`).to.equal(true);
      });
    } finally {
      counting = false;
      for (const client of clients) client.destroy();
      subscription.unsubscribe();
      await whenClosed;
    }
  });

  it('issue 11: hands on no more bytes while the write buffer is full, so a peer that never reads gets no more replies made; goes on once it reads', async function () {
    this.timeout(15000);
    const { port, connections, subscription, whenClosed } = await listen({ readSliceBytes: 4096 });
    let delivered = 0;
    let whileFull = 0;
    connections.subscribe((conn) =>
      conn.data$.subscribe((chunk) => {
        if (conn.socket.writableLength >= conn.socket.writableHighWaterMark) whileFull += chunk.length;
        delivered += chunk.length;
        conn.send(Buffer.alloc(chunk.length * 64, 120)); // deliberate amplification: 64 bytes per byte
      }),
    );
    const client = await openSocket(port);
    try {
      client.pause();
      const sent = 4 * 1024 * 1024;
      for (let i = 0; i < sent; i += 64 * 1024) client.write(pattern(i, 64 * 1024));
      // Wait until the server hands on nothing more (its write buffer full, the kernel's too).
      let last = -1;
      for (let i = 0; i < 50 && last !== delivered; i += 1) {
        last = delivered;
        await sleep(200);
      }
      expect(delivered, 'handed on before the server stopped').to.be.lessThan(sent);
      expect(whileFull, 'bytes handed on while the write buffer was full').to.equal(0);
      client.on('data', () => {});
      client.resume();
      await until(() => delivered === sent, 10000);
      expect(delivered, 'all of it once the peer reads').to.equal(sent);
      expect(whileFull).to.equal(0);
    } finally {
      client.destroy();
      subscription.unsubscribe();
      await whenClosed;
    }
  });

  describe('#stopReading', () => {
    it('issue 11: hands on every byte already read (the waiting slices and what Node buffered), then emits, and reads no more', async () => {
      const { port, connections, subscription, whenClosed } = await listen({ readSliceBytes: 4096 });
      let delivered = 0;
      let readAtStop = -1;
      let deliveredAtStop = -1;
      connections.subscribe((conn) =>
        conn.data$.subscribe((chunk) => {
          delivered += chunk.length;
          if (readAtStop >= 0) return;
          readAtStop = conn.socket.bytesRead;
          conn.stopReading?.().subscribe(() => (deliveredAtStop = delivered));
        }),
      );
      const client = await openSocket(port);
      try {
        client.write(pattern(1, 256 * 1024));
        await until(() => deliveredAtStop >= 0, 3000);
        await sleep(100);
        expect(readAtStop, 'more than one slice was read at once').to.be.greaterThan(4096);
        expect(deliveredAtStop, 'handed on when it emitted').to.equal(readAtStop);
        expect(delivered, 'and nothing after').to.equal(readAtStop);
      } finally {
        client.destroy();
        subscription.unsubscribe();
        await whenClosed;
      }
    });

    it('issue 11: hands on what Node had buffered in the socket too, after the waiting slices, in order', async () => {
      const { port, connections, subscription, whenClosed } = await listen({ readSliceBytes: 4096 });
      const chunks: Buffer[] = [];
      let readAtStop = -1;
      let bufferedAtStop = -1;
      let emitted = false;
      connections.subscribe((conn) =>
        conn.data$.subscribe((chunk) => {
          chunks.push(Buffer.from(chunk));
          // Stop once Node has read more into the socket's buffer, behind the waiting slices.
          if (readAtStop >= 0 || conn.socket.readableLength === 0) return;
          readAtStop = conn.socket.bytesRead;
          bufferedAtStop = conn.socket.readableLength;
          conn.stopReading?.().subscribe(() => (emitted = true));
        }),
      );
      const client = await openSocket(port);
      try {
        const sent = pattern(2, 4 * 1024 * 1024);
        client.write(sent);
        await until(() => emitted, 3000);
        await sleep(100);
        const delivered = Buffer.concat(chunks);
        expect(bufferedAtStop, 'bytes in the socket buffer when the stop came').to.be.greaterThan(0);
        expect(delivered.length, 'handed on').to.equal(readAtStop);
        expect(delivered.equals(sent.subarray(0, readAtStop)), 'in order, each byte once').to.equal(true);
      } finally {
        client.destroy();
        subscription.unsubscribe();
        await whenClosed;
      }
    });

    it('emits at once when no read bytes wait', async () => {
      const { port, connections, subscription, whenClosed } = await listen({ readSliceBytes: 4096 });
      const accepted = new Promise<TcpConnection>((resolve) => connections.subscribe(resolve));
      const client = await openSocket(port);
      try {
        const conn = await accepted;
        conn.data$.subscribe();
        let emitted = false;
        conn.stopReading?.().subscribe(() => (emitted = true));
        expect(emitted).to.equal(true);
        expect(conn.socket.isPaused()).to.equal(true);
      } finally {
        client.destroy();
        subscription.unsubscribe();
        await whenClosed;
      }
    });
  });
});
