import { expect } from 'chai';
import { RxnetInvalidOptionError } from '../../lib/errors.js';
import { startServer } from '../../lib/calc/server/startServer.js';
import { listenTls } from '../../lib/transport/listenTls.js';
import { makeSelfSignedCert, type TestCertificate } from '../helpers/selfSignedCert.js';

/** The error listenTls throws at once, checked to be an RxnetInvalidOptionError. */
function refusal(cert: string | Buffer, key: string | Buffer): RxnetInvalidOptionError {
  try {
    listenTls({ port: 0, cert, key });
  } catch (err) {
    expect(err).to.be.an.instanceOf(RxnetInvalidOptionError);
    return err as RxnetInvalidOptionError;
  }
  throw new Error('expected listenTls to throw');
}

describe('listenTls', () => {
  let certificate: TestCertificate;
  let other: TestCertificate;

  before(() => {
    certificate = makeSelfSignedCert();
    other = makeSelfSignedCert();
  });
  after(() => {
    certificate.remove();
    other.remove();
  });

  describe('a certificate and key that cannot serve', () => {
    it('issue 10: a swapped certificate and key is a coded error that says so, not "PEM routines::no start line"', () => {
      const err = refusal(certificate.key, certificate.cert);
      expect(err.code).to.equal('ERR_RXNET_INVALID_OPTION');
      expect(err.message).to.equal('Invalid cert: it holds no PEM certificate (found a private key; are cert and key swapped?)');
      expect(err.info).to.deep.equal({ option: 'cert', value: 'a private key', expected: 'a PEM certificate' });
    });

    it('names the key when it is the certificate again', () => {
      const err = refusal(certificate.cert, certificate.cert);
      expect(err.message).to.equal('Invalid key: it holds no PEM private key (found a certificate; are cert and key swapped?)');
      expect(err.info).to.deep.equal({ option: 'key', value: 'a certificate', expected: 'a PEM private key' });
    });

    it('says what a PEM file of neither starts with', () => {
      expect(refusal('not pem', certificate.key).message).to.equal('Invalid cert: it holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")');
      expect(refusal(certificate.cert, '').message).to.equal('Invalid key: it holds no PEM private key (expected "-----BEGIN PRIVATE KEY-----")');
    });

    it("says when the key is not the certificate's", () => {
      const err = refusal(certificate.cert, other.key);
      expect(err.code).to.equal('ERR_RXNET_INVALID_OPTION');
      expect(err.message).to.equal("Invalid cert and key: the private key is not the certificate's (ERR_OSSL_X509_KEY_VALUES_MISMATCH)");
    });
  });

  it('issue 10: makes startServer reject with that coded error, before it listens', async () => {
    const err: unknown = await startServer({ transport: 'tls', port: 0, cert: certificate.key, key: certificate.cert }).then(
      (server) => server.close().then(() => expect.fail('expected a rejection')),
      (e: unknown) => e,
    );
    expect(err).to.be.an.instanceOf(RxnetInvalidOptionError);
    expect((err as RxnetInvalidOptionError).code).to.equal('ERR_RXNET_INVALID_OPTION');
    expect((err as Error).message).to.equal('Invalid cert: it holds no PEM certificate (found a private key; are cert and key swapped?)');
  });

  it('listens with a matching certificate and key', async () => {
    const port = await new Promise<number>((resolve, reject) => {
      const subscription = listenTls({
        port: 0,
        cert: certificate.cert,
        key: certificate.key,
        onListening: (address) => {
          subscription.unsubscribe();
          resolve(address.port);
        },
      }).subscribe({ error: reject });
    });
    expect(port).to.be.greaterThan(0);
  });
});
