import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { firstValueFrom } from 'rxjs';
import { RxnetConnectionError, RxnetInvalidOptionError } from '../../lib/errors.js';
import { createCalcClient } from '../../lib/calc/client/calcClient.js';
import { createTcpClient } from '../../lib/client/tcpClient.js';
import { startServer } from '../../lib/calc/server/startServer.js';
import { makeSelfSignedCert, type TestCertificate } from '../helpers/selfSignedCert.js';

function errorOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`expected an error, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err as Error,
  );
}

describe('calc and TCP clients over TLS, Unix sockets and IPv6', () => {
  let certificate: TestCertificate;
  before(() => {
    certificate = makeSelfSignedCert();
  });
  after(() => certificate.remove());

  describe('TLS', () => {
    it('answers over TLS when the self-signed certificate is given as ca', async () => {
      await using server = await startServer({ transport: 'tls', port: 0, cert: certificate.cert, key: certificate.key });
      await using client = createCalcClient({ transport: 'tls', port: server.address.port, ca: certificate.cert, retry: { initial: 1000 } });
      expect(client.address).to.equal(`tls://127.0.0.1:${server.address.port}`);
      expect(await firstValueFrom(client.request({ op: '^', a: 2, b: 8 }))).to.deep.equal({ code: 200, value: 256, text: '200,256' });
      expect((await firstValueFrom(client.request('/,1,0'))).text).to.equal('300,-1');
    });

    it('pipelines requests over several TLS sessions of a TCP client, checking the name given as servername', async () => {
      await using server = await startServer({ transport: 'tls', port: 0, cert: certificate.cert, key: certificate.key });
      await using client = createTcpClient({
        transport: 'tls',
        port: server.address.port,
        ca: certificate.cert,
        servername: 'localhost',
        sessions: 2,
        maxInFlight: 4,
      });
      const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => firstValueFrom(client.request(`*,${i},2`))));
      expect(replies).to.deep.equal(Array.from({ length: 12 }, (_, i) => `200,${i * 2}`));
      expect(client.sessionCount).to.equal(2);
    });

    it('fails at once, after one attempt, with a final error when the certificate is not trusted', async () => {
      // A raw TLS server, to count the connection attempts.
      let attempts = 0;
      const server: TlsServer = createTlsServer({ cert: certificate.cert, key: certificate.key });
      server.on('connection', (socket: import('node:net').Socket) => {
        attempts += 1;
        socket.on('error', () => {});
      });
      server.on('tlsClientError', () => {});
      await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
      const port = (server.address() as { port: number }).port;
      try {
        await using client = createCalcClient({ transport: 'tls', port, retry: { initial: 3000 }, tcp: { reconnect: { initial: 100, max: 1600 } } });
        const started = performance.now();
        const err = await errorOf(firstValueFrom(client.request('+,1,1')));
        expect(performance.now() - started).to.be.below(500);
        expect(err).to.be.an.instanceOf(RxnetConnectionError);
        expect(err.message).to.equal(`TLS handshake with tls://127.0.0.1:${port} failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`);
        expect((err as RxnetConnectionError).info).to.deep.include({ syscallCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', attempts: 1, final: true });
        expect(attempts).to.equal(1);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('fails at once when the certificate does not carry the name asked for', async () => {
      await using server = await startServer({ transport: 'tls', port: 0, cert: certificate.cert, key: certificate.key });
      await using client = createTcpClient({ transport: 'tls', port: server.address.port, ca: certificate.cert, servername: 'example.com' });
      const err = await errorOf(client.connect());
      expect(err).to.be.an.instanceOf(RxnetConnectionError);
      expect((err as RxnetConnectionError).info).to.deep.include({ syscallCode: 'ERR_TLS_CERT_ALTNAME_INVALID', attempts: 1, final: true });
    });

    it('fails at once, with OpenSSL\'s short reason, when the server does not speak TLS', async () => {
      await using server = await startServer({ transport: 'tcp', port: 0 });
      await using client = createCalcClient({ transport: 'tls', port: server.address.port });
      const err = await errorOf(client.connect());
      expect(err.message).to.equal(`TLS handshake with tls://127.0.0.1:${server.address.port} failed: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)`);
      expect((err as RxnetConnectionError).info).to.deep.include({ attempts: 1, final: true });
    });
  });

  describe('Unix domain sockets', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'rxnet-client-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('answers over a Unix socket at path', async () => {
      const path = join(dir, 'calc.sock');
      await using server = await startServer({ transport: 'unix', path });
      await using client = createCalcClient({ transport: 'unix', path, retry: { initial: 1000 } });
      expect(server.address.address).to.equal(path);
      expect(client.address).to.equal(`unix:${path}`);
      expect((await firstValueFrom(client.request('*,6,7'))).text).to.equal('200,42');
    });

    it('gives up with a final error naming the path when no server listens there', async () => {
      const path = join(dir, 'missing.sock');
      await using client = createCalcClient({ transport: 'unix', path, tcp: { reconnect: { initial: 10, max: 20 } } });
      const err = await errorOf(client.connect());
      expect(err).to.be.an.instanceOf(RxnetConnectionError);
      expect(err.message).to.match(new RegExp(`^Cannot connect to unix:${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} after 3 attempts in \\d+ ms: ENOENT$`));
    });
  });

  describe('IPv6', () => {
    it('answers over TCP on ::1', async () => {
      await using server = await startServer({ transport: 'tcp', host: '::1', port: 0 });
      await using client = createCalcClient({ host: '::1', port: server.address.port, retry: { initial: 1000 } });
      expect(client.address).to.equal(`tcp://[::1]:${server.address.port}`);
      expect((await firstValueFrom(client.request('-,1,3'))).text).to.equal('200,-2');
    });

    it('answers over UDP on ::1', async () => {
      await using server = await startServer({ transport: 'udp', host: '::1', port: 0 });
      await using client = createCalcClient({ transport: 'udp', host: '::1', port: server.address.port, retry: { initial: 1000 } });
      expect(client.address).to.equal(`udp://[::1]:${server.address.port}`);
      expect((await firstValueFrom(client.request('%,7,4'))).text).to.equal('200,3');
    });
  });

  describe('options', () => {
    for (const [options, message] of [
      [{ transport: 'unix' }, 'Invalid options: transport unix needs path'],
      [{ transport: 'udp', path: '/tmp/calc.sock' }, 'Invalid options: path applies to transport unix only'],
      [{ transport: 'udp', ca: 'pem' }, 'Invalid options: ca applies to transport tls only'],
      [{ rejectUnauthorized: false }, 'Invalid options: rejectUnauthorized applies to transport tls only'],
      [{ transport: 'quic' }, 'Invalid transport "quic" (expected tcp, udp, tls or unix)'],
      [{ transport: 'tls', tcp: { sessions: 0 } }, 'Invalid tcp.sessions "0" (expected an integer from 1 to 1024)'],
      [{ transport: 'udp', tcp: { sessions: 2 } }, 'The tcp options (sessions) apply to the stream transports (tcp, tls, unix) only'],
    ] as const) {
      it(`createCalcClient(${JSON.stringify(options)}) throws "${message}"`, () => {
        expect(() => createCalcClient(options as never)).to.throw(RxnetInvalidOptionError).with.property('message', message);
      });
    }
  });
});
