import { expect } from 'chai';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { startProxyServer, type RunningProxyServer } from '../../lib/proxy/startProxyServer.js';
import { api } from './fixtures/apiClient.js';
import { talk } from './fixtures/tcpPeers.js';

/** The most a client may push, and for how long it tries. */
const OFFERED_BYTES = 64 * 1024 * 1024;
const TRY_MS = 1500;

/**
 * Pushes up to OFFERED_BYTES to `port` for TRY_MS, writing only after 'drain'; resolves with how
 * many bytes left the client's socket (what the other side accepted).
 */
function push(port: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunk = Buffer.alloc(64 * 1024);
    let written = 0;
    const finish = (): void => {
      clearTimeout(timer);
      const accepted = socket.bytesWritten - socket.writableLength;
      socket.destroy();
      resolve(accepted);
    };
    const timer = setTimeout(finish, TRY_MS);
    const pump = (): void => {
      while (written < OFFERED_BYTES) {
        written += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.on('error', () => {});
    socket.on('connect', pump);
  });
}

describe('rxnet proxy under a client that floods a server that never reads', function () {
  this.timeout(10000);
  let server: RunningProxyServer;
  let stuck: Server;
  const sockets = new Set<Socket>();
  let proxyPort: number;

  beforeEach(async () => {
    stuck = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.pause(); // never reads
    });
    await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve));
    server = await startProxyServer({ port: 0 });
    const upstream = `127.0.0.1:${(stuck.address() as { port: number }).port}`;
    const created = await api(server.address.port)('POST', '/proxies', { name: 'flood', listen: '127.0.0.1:0', upstream });
    proxyPort = Number((created.json as { listen: string }).listen.split(':').pop());
  });

  afterEach(async () => {
    await server.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => stuck.close(() => resolve()));
  });

  it('stops reading the client once the server side is full, so it holds a bounded amount', async () => {
    const accepted = await push(proxyPort);
    expect(accepted).to.be.below(OFFERED_BYTES / 2);
  });

  it('closes connections beyond maxConnections as they arrive', async () => {
    const limited = await startProxyServer({ port: 0, maxConnections: 1 });
    try {
      const upstream = `127.0.0.1:${(stuck.address() as { port: number }).port}`; // accepts, never answers
      const created = await api(limited.address.port)('POST', '/proxies', { name: 'one', listen: '127.0.0.1:0', upstream });
      const port = Number((created.json as { listen: string }).listen.split(':').pop());
      const first = connect({ host: '127.0.0.1', port });
      first.on('error', () => {});
      await new Promise((resolve) => first.once('connect', resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = await talk(port, 'x', 2000);
      expect(second.ending).to.be.oneOf(['end', 'ECONNRESET']);
      expect(first.destroyed).to.equal(false); // the first one, within the limit, stays open
      first.destroy();
      expect((await talk(proxyPort, 'x', 300)).ending).to.equal('open'); // no limit hit on the default proxy
    } finally {
      await limited.close();
    }
  });

  it('stops reading too while a latency toxic holds more than its bound', async () => {
    await api(server.address.port)('POST', '/proxies/flood/toxics', { type: 'latency', stream: 'upstream', attributes: { latency: 60000 } });
    const accepted = await push(proxyPort);
    expect(accepted).to.be.below(OFFERED_BYTES / 2);
  });
});
