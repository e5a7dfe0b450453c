import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTcpClient, isConnectionError, startServer } from '../../lib/index.js';
import { formatEndpoint } from '../../lib/transport/SocketAddress.js';

describe('formatEndpoint', () => {
  for (const [endpoint, text] of [
    [{ transport: 'tcp', host: '127.0.0.1', port: 9000 }, 'tcp://127.0.0.1:9000'],
    [{ transport: 'tls', host: '::1', port: 9443 }, 'tls://[::1]:9443'],
    [{ transport: 'udp', host: 'calc.example', port: 1 }, 'udp://calc.example:1'],
    [{ transport: 'unix', host: '127.0.0.1', port: 9000, path: '/tmp/calc.sock' }, 'unix:/tmp/calc.sock'],
    [{ transport: 'unix', host: '127.0.0.1', port: 9000, path: 'calc.sock' }, 'unix:calc.sock'],
  ] as const) {
    it(`writes ${text}`, () => expect(formatEndpoint(endpoint)).to.equal(text));
  }

  it('issue 10: the server and the client name a Unix socket in the one form unix:PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxnet-endpoint-'));
    const path = join(dir, 'calc.sock');
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen({ path }, resolve));
    const client = createTcpClient({ transport: 'unix', path });
    try {
      const err: unknown = await startServer({ transport: 'unix', path }).then(
        (server) => server.close().then(() => expect.fail('expected the path to be in use')),
        (e: unknown) => e,
      );
      expect(isConnectionError(err)).to.equal(true);
      expect((err as Error).message).to.equal(`Cannot listen on unix:${path}: listen EADDRINUSE: another process is listening on ${path}`);
      expect(client.address).to.equal(`unix:${path}`);
    } finally {
      await client.close();
      await new Promise<void>((resolve) => holder.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
