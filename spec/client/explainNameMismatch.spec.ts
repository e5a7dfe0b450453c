import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { explainNameMismatch } from '../../lib/client/explainNameMismatch.js';
import { createTcpClient, isConnectionError, startServer } from '../../lib/index.js';
import { makeSelfSignedCert } from '../helpers/selfSignedCert.js';

/** node's error for a certificate that does not carry the name connected to, as tls.checkServerIdentity makes it. */
function altnameError(host: string, cert: object): Error {
  return Object.assign(new Error(`Hostname/IP does not match certificate's altnames: IP: ${host} is not in the cert's list: `), {
    code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    reason: `IP: ${host} is not in the cert's list: `,
    host,
    cert,
  });
}

describe('explainNameMismatch', () => {
  it('issue 10: names the one name the certificate holds, and says to connect to it', () => {
    const original = altnameError('127.0.0.1', { subjectaltname: 'DNS:localhost', subject: { CN: 'localhost' } });
    const explained = explainNameMismatch(original) as Error & { code: string; reason: string };
    expect(explained.reason).to.equal('the certificate is for localhost, not 127.0.0.1; connect to localhost');
    expect(explained.message).to.equal(explained.reason);
    expect(explained.code).to.equal('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(explained.cause).to.equal(original);
  });

  it('lists several names, IPv6 ones in their short form, and a wildcard without suggesting it', () => {
    const cert = { subjectaltname: 'IP Address:0:0:0:0:0:0:0:1, DNS:*.example.com, IP Address:10.0.0.1, URI:spiffe://x' };
    expect((explainNameMismatch(altnameError('127.0.0.1', cert)) as { reason: string }).reason).to.equal(
      'the certificate is for ::1, *.example.com and 10.0.0.1, not 127.0.0.1; connect to a name it holds',
    );
    expect((explainNameMismatch(altnameError('a.test', { subjectaltname: 'DNS:*.example.com' })) as { reason: string }).reason).to.equal(
      'the certificate is for *.example.com, not a.test; connect to a name it holds',
    );
  });

  it("takes the subject's CN when the certificate has no names of its own", () => {
    expect((explainNameMismatch(altnameError('::1', { subject: { CN: 'calc.example' } })) as { reason: string }).reason).to.equal(
      'the certificate is for calc.example, not ::1; connect to calc.example',
    );
  });

  it('returns any other error, or one it cannot explain, as it is', () => {
    const selfSigned = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(explainNameMismatch(selfSigned)).to.equal(selfSigned);
    const bare = altnameError('127.0.0.1', {});
    expect(explainNameMismatch(bare)).to.equal(bare);
    expect(explainNameMismatch('text')).to.equal('text');
  });

  it('issue 10: a TLS client that connects with a name the certificate lacks fails naming the names it holds', async () => {
    const certificate = makeSelfSignedCert();
    const server = await startServer({ transport: 'tls', port: 0, cert: certificate.cert, key: certificate.key });
    const { port } = server.address;
    const client = createTcpClient({ transport: 'tls', port, ca: certificate.cert, servername: 'calc.invalid' });
    try {
      const err: unknown = await firstValueFrom(client.request('+,1,1')).then(
        () => expect.fail('expected the handshake to fail'),
        (e: unknown) => e,
      );
      expect(isConnectionError(err)).to.equal(true);
      expect((err as Error).message).to.equal(
        `TLS handshake with tls://127.0.0.1:${port} failed: the certificate is for 127.0.0.1, ::1 and localhost, not calc.invalid; connect to a name it holds (ERR_TLS_CERT_ALTNAME_INVALID)`,
      );
    } finally {
      await client.close();
      await server.close();
      certificate.remove();
    }
  });
});
