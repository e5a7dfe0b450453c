import { expect } from 'chai';
import type { Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { Observable } from 'rxjs';
import { isRxnetError } from '../../lib/errors.js';
import { connectTls } from '../../lib/transport/connectTls.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { makeSelfSignedCert, type TestCertificate } from '../helpers/selfSignedCert.js';

function open(source: Observable<TcpConnection>): Promise<{ connection: TcpConnection; unsubscribe: () => void }> {
  return new Promise((resolve, reject) => {
    const subscription = source.subscribe({
      next: (connection) => resolve({ connection, unsubscribe: () => subscription.unsubscribe() }),
      error: reject,
    });
  });
}

function failure(source: Observable<TcpConnection>): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => source.subscribe({ next: () => reject(new Error('expected an error')), error: resolve }));
}

function whenClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
}

describe('connectTls', () => {
  let certificate: TestCertificate;
  let server: Server;
  let port: number;

  before(async () => {
    certificate = makeSelfSignedCert();
    server = createServer({ cert: certificate.cert, key: certificate.key }, (socket: TLSSocket) => {
      socket.on('error', () => {});
      socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
    });
    server.on('connection', (socket: Socket) => socket.on('error', () => {}));
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    port = (server.address() as { port: number }).port;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    certificate.remove();
  });

  it('emits the connection once the handshake is done, trusting the certificate given as ca', async () => {
    const { connection, unsubscribe } = await open(connectTls({ port, ca: certificate.cert, id: 3 }));
    expect(connection.id).to.equal(3);
    expect(connection.remote).to.deep.equal({ address: '127.0.0.1', port, family: 'IPv4' });
    expect((connection.socket as TLSSocket).authorized).to.equal(true);
    const received = new Promise<string>((resolve) => connection.data$.subscribe((chunk) => resolve(chunk.toString())));
    connection.send('ping');
    expect(await received).to.equal('PING');
    unsubscribe();
    await whenClosed(connection.socket);
  });

  it('checks the certificate against servername', async () => {
    const { connection, unsubscribe } = await open(connectTls({ port, ca: [certificate.cert], servername: 'localhost' }));
    expect((connection.socket as TLSSocket).authorized).to.equal(true);
    unsubscribe();
    const err = await failure(connectTls({ port, ca: certificate.cert, servername: 'example.com' }));
    expect(err.code).to.equal('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(err.message).to.equal("Hostname/IP does not match certificate's altnames: Host: example.com. is not in the cert's altnames: IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost");
  });

  it('errors with the raw DEPTH_ZERO_SELF_SIGNED_CERT when the certificate is not trusted, and calls onClosed', async () => {
    let closed = 0;
    const onClosed = new Promise<void>((resolve) => {
      void failure(connectTls({ port, onClosed: () => ((closed += 1), resolve()) }));
    });
    const err = await failure(connectTls({ port }));
    expect(isRxnetError(err)).to.equal(false);
    expect(err.code).to.equal('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(err.message).to.equal('self-signed certificate');
    await onClosed;
    expect(closed).to.equal(1);
  });

  it('connects to an untrusted certificate with rejectUnauthorized false', async () => {
    const { connection, unsubscribe } = await open(connectTls({ port, rejectUnauthorized: false }));
    expect((connection.socket as TLSSocket).authorized).to.equal(false);
    unsubscribe();
    await whenClosed(connection.socket);
  });

  it('abandons a handshake in progress when unsubscribed, emitting nothing', async () => {
    const values: TcpConnection[] = [];
    await new Promise<void>((resolve) => {
      connectTls({ port, ca: certificate.cert, onClosed: resolve })
        .subscribe({ next: (c) => values.push(c) })
        .unsubscribe();
    });
    expect(values).to.deep.equal([]);
  });
});
