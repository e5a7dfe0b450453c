import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../lib/server/startServer.js';
import { runCli } from '../helpers/childProcess.js';
import { makeSelfSignedCert, type TestCertificate } from '../helpers/selfSignedCert.js';

const CLIENT = 'cli/client.js';

describe('node cli/client.js over TLS, Unix sockets and IPv6', function () {
  this.timeout(10000);
  let certificate: TestCertificate;
  let dir: string;

  before(() => {
    certificate = makeSelfSignedCert();
    dir = mkdtempSync(join(tmpdir(), 'rxnet-cli-'));
  });
  after(() => {
    certificate.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--tls --ca FILE answers from a TLS server with a self-signed certificate', async () => {
    await using server = await startServer({ transport: 'tls', port: 0, cert: certificate.cert, key: certificate.key });
    const args = ['--tls', '--ca', certificate.certFile, '--port', String(server.address.port), '+,1,1', '^,2,10'];
    expect(await runCli(CLIENT, args)).to.deep.include({ code: 0, stdout: '200,2\n200,1024\n', stderr: '' });
  });

  it('--tls without --ca fails with one line and exit 1 when the certificate is not trusted', async () => {
    await using server = await startServer({ transport: 'tls', port: 0, cert: certificate.cert, key: certificate.key });
    const { code, stdout, stderr } = await runCli(CLIENT, ['--tls', '--port', String(server.address.port), '+,1,1', '+,2,2']);
    expect({ code, stdout, stderr }).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: `rxnet client: TLS handshake with tls://127.0.0.1:${server.address.port} failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)\n`,
    });
  });

  it('--tls --ca exits 2 with one line naming the flag when the file cannot be read', async () => {
    const missing = join(dir, 'missing.pem');
    expect(await runCli(CLIENT, ['--tls', '--ca', missing, '+,1,1'])).to.deep.include({
      code: 2,
      stdout: '',
      stderr: `rxnet client: Cannot read --ca "${missing}" (ENOENT)\n`,
    });
  });

  it('--unix PATH answers from a Unix socket server, requests from stdin', async () => {
    const path = join(dir, 'calc.sock');
    await using server = await startServer({ transport: 'unix', path });
    expect(server.address.address).to.equal(path);
    expect(await runCli(CLIENT, ['--unix', path], { input: '*,6,7\n-,1,3\n' })).to.deep.include({ code: 0, stdout: '200,42\n200,-2\n', stderr: '' });
  });

  it('--host ::1 answers over TCP and over UDP', async () => {
    await using tcp = await startServer({ transport: 'tcp', host: '::1', port: 0 });
    await using udp = await startServer({ transport: 'udp', host: '::1', port: 0 });
    const [overTcp, overUdp] = await Promise.all([
      runCli(CLIENT, ['--host', '::1', '--port', String(tcp.address.port), '+,1,1']),
      runCli(CLIENT, ['--udp', '--host', '::1', '--port', String(udp.address.port), '*,2,3']),
    ]);
    expect(overTcp).to.deep.include({ code: 0, stdout: '200,2\n', stderr: '' });
    expect(overUdp).to.deep.include({ code: 0, stdout: '200,6\n', stderr: '' });
  });

  it('exits 2 with one line when two transports are asked for', async () => {
    expect(await runCli(CLIENT, ['--tls', '--unix', join(dir, 'x.sock'), '+,1,1'])).to.deep.include({
      code: 2,
      stdout: '',
      stderr: 'rxnet client: use only one of --tcp, --udp, --tls and --unix\n',
    });
  });
});
