import { expect } from 'chai';
import type { Socket } from 'node:net';
import { startServer, type RunningServer } from '../../lib/calc/server/startServer.js';
import { serveTcp } from '../../lib/server/serveTcp.js';
import { calcPipeline } from '../../lib/calc/server/calcPipeline.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { closed, exchange, openSocket, readLines, sleep } from '../helpers/rawTcp.js';

/** A request with a known answer, for verifying every reply. */
function request(i: number): { line: string; reply: string } {
  const a = i % 97;
  const b = (i % 13) + 1;
  switch (i % 4) {
    case 0:
      return { line: `+,${a},${b}`, reply: `200,${a + b}` };
    case 1:
      return { line: `*,${a},${b}`, reply: `200,${a * b}` };
    case 2:
      return { line: `-,${a},${b}`, reply: `200,${a - b}` };
    default:
      return { line: `/,${a},0`, reply: '300,-1' };
  }
}

describe('serving the calc protocol over TCP', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startServer({ port: 0, maxLineLength: 1024 });
  });
  afterEach(() => server.close());

  it('answers 1,000 requests pipelined in one write, in order, each verified', async () => {
    const requests = Array.from({ length: 1000 }, (_, i) => request(i));
    const replies = await exchange(server.address.port, requests.map((r) => `${r.line}\n`).join(''), 1000);
    expect(replies).to.deep.equal(requests.map((r) => r.reply));
  });

  it('reassembles requests split across writes, byte by byte', async () => {
    const socket = await openSocket(server.address.port);
    socket.setNoDelay(true);
    const lines = readLines(socket, 2);
    for (const byte of Buffer.from('*,6,7\n+,0.1,0.2\n')) {
      socket.write(Buffer.from([byte]));
      await sleep(1);
    }
    expect(await lines).to.deep.equal(['200,42', '200,0.30000000000000004']);
    socket.destroy();
  });

  it('accepts CRLF line endings', async () => {
    expect(await exchange(server.address.port, '+,1,1\r\n^,2,10\r\n', 2)).to.deep.equal(['200,2', '200,1024']);
  });

  it('answers every line, including an empty or invalid one, and keeps the connection open', async () => {
    const socket = await openSocket(server.address.port);
    const first = readLines(socket, 4);
    socket.write('\nnonsense\n/,1,0\n+,2,2\n');
    expect(await first).to.deep.equal(['300,-1', '300,-1', '300,-1', '200,4']);
    const second = readLines(socket, 1);
    socket.write('%,7,4\n');
    expect(await second).to.deep.equal(['200,3']);
    socket.destroy();
  });

  it('answers an over-long line once, discards it as it streams in, and answers the next line', async () => {
    const socket = await openSocket(server.address.port);
    const lines = readLines(socket, 2);
    const megabyte = Buffer.alloc(1024 * 1024, '1');
    socket.write('+,1,');
    for (let i = 0; i < 4; i += 1) socket.write(megabyte);
    socket.write('\n+,3,4\n');
    expect(await lines).to.deep.equal(['300,-1', '200,7']);
    socket.destroy();
  });

  it('answers the over-long line at once, before the line ends (an endless line cannot stall it)', async () => {
    const socket = await openSocket(server.address.port);
    const lines = readLines(socket, 1);
    socket.write(Buffer.alloc(2048, ' '));
    expect(await lines).to.deep.equal(['300,-1']);
    socket.destroy();
  });

  it('answers a last line without newline when the client ends its side, then ends', async () => {
    const socket = await openSocket(server.address.port);
    const lines = readLines(socket, 2);
    socket.end('+,1,1\n*,2,3');
    expect(await lines).to.deep.equal(['200,2', '200,6']);
    await closed(socket);
  });

  it('goes on serving others when a client resets with requests in flight', async () => {
    const errors: unknown[] = [];
    const resilient = await startServer({ port: 0 }, undefined, { onError: (e) => errors.push(e) });
    const victims: Socket[] = [];
    for (let i = 0; i < 5; i += 1) {
      const victim = await openSocket(resilient.address.port);
      victim.write('+,1,1\n'.repeat(10000));
      victims.push(victim);
    }
    for (const victim of victims) victim.resetAndDestroy();
    expect(await exchange(resilient.address.port, '+,40,2\n', 1)).to.deep.equal(['200,42']);
    await resilient.close();
  });
});

describe('serveTcp', () => {
  it('stops reading from a client that pipelines and never reads its replies', async function () {
    this.timeout(10000);
    const connections: TcpConnection[] = [];
    let subscription: { unsubscribe(): void } = { unsubscribe: () => {} };
    const port = await new Promise<number>((resolve) => {
      subscription = serveTcp(
        { port: 0, onListening: (a) => resolve(a.port), onConnection: (c) => connections.push(c) },
        calcPipeline(),
      ).subscribe();
    });
    const client = await openSocket(port);
    try {
      client.pause();
      // "/,1,3" is 6 bytes and its reply 23: the replies outgrow the requests almost four times.
      const chunk = Buffer.from('/,1,3\n'.repeat(10000));
      let sent = 0;
      const deadline = Date.now() + 4000;
      while (Date.now() < deadline) {
        const conn = connections[0];
        if (conn !== undefined && conn.socket.isPaused() && sent > 0 && client.writableLength > 0) break;
        client.write(chunk);
        sent += chunk.length;
        await sleep(5);
      }
      await sleep(200);
      const conn = connections[0] as TcpConnection;
      const readBefore = conn.socket.bytesRead;
      await sleep(300);
      expect(conn.socket.isPaused(), 'server reading paused').to.equal(true);
      expect(conn.socket.bytesRead, 'no more read while paused').to.equal(readBefore);
      expect(conn.socket.bytesRead).to.be.lessThan(sent);
      // Its own buffer stays small: one chunk's replies over the high-water mark at most.
      expect(conn.socket.writableLength).to.be.lessThan(512 * 1024);
    } finally {
      client.destroy();
      subscription.unsubscribe();
    }
  });
});

describe('serving with --success below 1 over TCP', () => {
  it('delivers the replies before a lost roll in order, then ends the connection', async () => {
    const rolls = [0.1, 0.2, 0.9];
    const server = await startServer({ port: 0, success: 0.5, random: () => rolls.shift() ?? 0 });
    const socket = await openSocket(server.address.port);
    const received: string[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk.toString()));
    socket.write('+,1,1\n+,2,2\n+,3,3\n+,4,4\n');
    await closed(socket);
    expect(received.join('')).to.equal('200,2\n200,4\n');
    await server.close();
  });
});

describe('serving with chunk framing (the seed client)', () => {
  it('answers a bare request with no terminator, read by read', async () => {
    const server = await startServer({ port: 0, framing: 'chunk' });
    const socket = await openSocket(server.address.port);
    const first = readLines(socket, 1);
    socket.write('+,1,1');
    expect(await first).to.deep.equal(['200,2']);
    const second = readLines(socket, 1);
    socket.write('*,2,21\n');
    expect(await second).to.deep.equal(['200,42']);
    socket.destroy();
    await server.close();
  });
});

describe('regression: a request split across writes mid-field (LineDecoder lost the last piece)', () => {
  it('answers "*,2" + ",3\\n" as *,2,3', async () => {
    const server = await startServer({ port: 0 });
    const socket = await openSocket(server.address.port);
    socket.setNoDelay(true);
    const lines = readLines(socket, 1);
    socket.write('*,2');
    await sleep(20);
    socket.write(',3\n');
    expect(await lines).to.deep.equal(['200,6']);
    socket.destroy();
    await server.close();
  });
});
