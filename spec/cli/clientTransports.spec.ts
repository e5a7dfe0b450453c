import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../lib/calc/server/startServer.js';
import { runCli, type CliResult } from '../helpers/childProcess.js';
import { makeSelfSignedCert, type TestCertificate } from '../helpers/selfSignedCert.js';

const CLIENT = 'cli/client.js';

describe('node cli/client.js over TLS, Unix sockets and IPv6', function () {
  this.timeout(10000);
  let certificate: TestCertificate;
  let dir: string;
  let servers: RunningServer[];
  /** Every client run starts at once in before() (a node process each); the tests check their results. */
  let runs: Record<'trusted' | 'untrusted' | 'unreadableCa' | 'unix' | 'tcp6' | 'tcp6Bracketed' | 'udp6' | 'twoTransports', Promise<CliResult>>;
  let tlsPort: number;
  let missingCa: string;

  before(async () => {
    certificate = makeSelfSignedCert();
    dir = mkdtempSync(join(tmpdir(), 'rxnet-cli-'));
    const path = join(dir, 'calc.sock');
    missingCa = join(dir, 'missing.pem');
    const [tls, unix, tcp6, udp6] = (servers = await Promise.all([
      startServer({ transport: 'tls', port: 0, cert: certificate.cert, key: certificate.key }),
      startServer({ transport: 'unix', path }),
      startServer({ transport: 'tcp', host: '::1', port: 0 }),
      startServer({ transport: 'udp', host: '::1', port: 0 }),
    ])) as [RunningServer, RunningServer, RunningServer, RunningServer];
    tlsPort = tls.address.port;
    expect(unix.address.address).to.equal(path);
    // Eight node processes start at once: a generous --timeout, so a busy machine cannot fail an answer.
    const patient = ['--timeout', '5'];
    runs = {
      trusted: runCli(CLIENT, ['--tls', '--ca', certificate.certFile, '--port', String(tlsPort), ...patient, '+,1,1', '^,2,10']),
      untrusted: runCli(CLIENT, ['--tls', '--port', String(tlsPort), '+,1,1', '+,2,2']),
      unreadableCa: runCli(CLIENT, ['--tls', '--ca', missingCa, '+,1,1']),
      unix: runCli(CLIENT, ['--unix', path, ...patient], { input: '*,6,7\n-,1,3\n' }),
      tcp6: runCli(CLIENT, ['--host', '::1', '--port', String(tcp6.address.port), ...patient, '+,1,1']),
      tcp6Bracketed: runCli(CLIENT, ['--host', '[::1]', '--port', String(tcp6.address.port), ...patient, '*,3,3']),
      udp6: runCli(CLIENT, ['--udp', '--host', '::1', '--port', String(udp6.address.port), ...patient, '*,2,3']),
      twoTransports: runCli(CLIENT, ['--tls', '--unix', path, '+,1,1']),
    };
  });

  after(async () => {
    await Promise.allSettled(Object.values(runs ?? {}));
    await Promise.all((servers ?? []).map((server) => server.close()));
    certificate.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--tls --ca FILE answers from a TLS server with a self-signed certificate', async () => {
    expect(await runs.trusted).to.deep.include({ code: 0, stdout: '200,2\n200,1024\n', stderr: '' });
  });

  it('--tls without --ca fails with one line and exit 1 when the certificate is not trusted', async () => {
    expect(await runs.untrusted).to.deep.include({
      code: 1,
      stdout: '',
      stderr: `rxnet client: TLS handshake with tls://127.0.0.1:${tlsPort} failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)\n`,
    });
  });

  it('--tls --ca exits 2 with one line naming the flag when the file cannot be read', async () => {
    expect(await runs.unreadableCa).to.deep.include({ code: 2, stdout: '', stderr: `rxnet client: Cannot read --ca "${missingCa}" (ENOENT)\n` });
  });

  it('--unix PATH answers from a Unix socket server, requests from stdin', async () => {
    expect(await runs.unix).to.deep.include({ code: 0, stdout: '200,42\n200,-2\n', stderr: '' });
  });

  it('--host ::1 answers over TCP and over UDP', async () => {
    expect(await runs.tcp6).to.deep.include({ code: 0, stdout: '200,2\n', stderr: '' });
    expect(await runs.udp6).to.deep.include({ code: 0, stdout: '200,6\n', stderr: '' });
  });

  it('issue 10: --host [::1], the bracketed form, answers over TCP', async () => {
    expect(await runs.tcp6Bracketed).to.deep.include({ code: 0, stdout: '200,9\n', stderr: '' });
  });

  it('exits 2 with one line when two transports are asked for', async () => {
    expect(await runs.twoTransports).to.deep.include({ code: 2, stdout: '', stderr: 'rxnet client: use only one of --tcp, --udp, --tls and --unix\n' });
  });
});
