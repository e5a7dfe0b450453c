import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as connectNet, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { RxnetInvalidOptionError } from '../../lib/errors.js';
import { startServer } from '../../lib/calc/server/startServer.js';
import { exchange, readLines } from '../helpers/rawTcp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';
import { makeSelfSignedCert, type TestCertificate } from '../helpers/selfSignedCert.js';
import { createSocket } from 'node:dgram';

async function ask(socket: Socket, payload: string, count: number): Promise<string[]> {
  const lines = readLines(socket, count);
  socket.write(payload);
  try {
    return await lines;
  } finally {
    socket.destroy();
  }
}

describe('stream transports: the calc server over TLS, Unix sockets and IPv6', () => {
  let certificate: TestCertificate;
  before(() => {
    certificate = makeSelfSignedCert();
  });
  after(() => certificate.remove());

  it('serves TLS with a certificate made at run time', async () => {
    const server = await startServer({ transport: 'tls', port: 0, cert: certificate.cert, key: certificate.key });
    expect(server.transport).to.equal('tls');
    const socket = connectTls({ host: '127.0.0.1', port: server.address.port, ca: certificate.cert });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    expect(await ask(socket, '+,1,1\n^,2,8\n', 2)).to.deep.equal(['200,2', '200,256']);
    await server.close();
  });

  it('refuses a TLS client that does not trust the certificate, and serves the next', async () => {
    const server = await startServer({ transport: 'tls', port: 0, cert: certificate.cert, key: certificate.key });
    const untrusting = connectTls({ host: '127.0.0.1', port: server.address.port });
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => untrusting.once('error', resolve));
    expect(err.code).to.equal('DEPTH_ZERO_SELF_SIGNED_CERT');
    const socket = connectTls({ host: '127.0.0.1', port: server.address.port, ca: certificate.cert });
    await new Promise<void>((resolve) => socket.once('secureConnect', resolve));
    expect(await ask(socket, '*,6,7\n', 1)).to.deep.equal(['200,42']);
    await server.close();
  });

  it('needs cert and key for TLS', async () => {
    const err: unknown = await startServer({ transport: 'tls', port: 0 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RxnetInvalidOptionError);
    expect((err as Error).message).to.equal('Invalid options: transport tls needs cert and key');
  });

  it('serves a Unix domain socket and removes it on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxnet-unix-'));
    const path = join(dir, 'calc.sock');
    try {
      const server = await startServer({ transport: 'unix', path });
      expect(server.address).to.deep.equal({ address: path, port: 0, family: 'unix' });
      const socket = connectNet({ path });
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      expect(await ask(socket, '-,1,3\n', 1)).to.deep.equal(['200,-2']);
      await server.close();
      const refused = await new Promise<string>((resolve) =>
        connectNet({ path }).once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')),
      );
      expect(refused).to.equal('ENOENT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves TCP on IPv6 ::1', async () => {
    const server = await startServer({ port: 0, host: '::1' });
    expect(server.address.family).to.equal('IPv6');
    const socket = connectNet({ host: '::1', port: server.address.port });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    expect(await ask(socket, '+,2,2\n', 1)).to.deep.equal(['200,4']);
    await server.close();
  });

  it('serves UDP on IPv6 ::1', async () => {
    const server = await startServer({ port: 0, host: '::1', transport: 'udp' });
    const socket = createSocket('udp6');
    const reply = new Promise<string>((resolve) => socket.once('message', (m) => resolve(m.toString())));
    socket.send('*,3,3', server.address.port, '::1');
    expect(await reply).to.equal('200,9\n');
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    await server.close();
  });

  it('keeps serving plain TCP alongside (a transport touches no protocol code)', async () => {
    const server = await startServer({ port: 0 });
    expect(await exchange(server.address.port, '+,1,1\n', 1)).to.deep.equal(['200,2']);
    await server.close();
    const probe = await openUdpProbe();
    await probe.close();
  });
});
