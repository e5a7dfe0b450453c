import { expect } from 'chai';
import { connect as connectTls } from 'node:tls';
import type { Subscription } from 'rxjs';
import { listenTls, type ListenTlsOptions } from '../../lib/transport/listenTls.js';
import { sleep } from '../helpers/rawTcp.js';
import { makeSelfSignedCert, type TestCertificate } from '../helpers/selfSignedCert.js';
import { abandonHandshake, abandonHandshakes, askTls, halfClientHello, openFds } from '../hostile/tlsAttacks.js';

/** A TLS echo server (each chunk sent back 20 ms later; our side ends 40 ms after the peer's), on port 0. */
function listenEcho(options: Omit<ListenTlsOptions, 'onListening' | 'onClosed'>): Promise<{ port: number; subscription: Subscription; whenClosed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let markClosed: () => void = () => {};
    const whenClosed = new Promise<void>((done) => (markClosed = done));
    const subscription = listenTls({
      ...options,
      port: 0,
      onListening: (address) => resolve({ port: address.port, subscription, whenClosed }),
      onClosed: () => markClosed(),
    }).subscribe({
      next: (conn) =>
        conn.data$.subscribe({
          next: (chunk) => setTimeout(() => conn.send(chunk), 20),
          complete: () => setTimeout(() => conn.end(), 40),
          error: () => conn.destroy(),
        }),
      error: reject,
    });
  });
}

/** Polls until `check` holds or `timeoutMs` passed; resolves with its last value. */
async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await sleep(20);
  return check();
}

describe('listenTls', () => {
  let certificate: TestCertificate;
  before(() => {
    certificate = makeSelfSignedCert();
  });
  after(() => certificate.remove());

  describe('handshakes (issue 11)', () => {
    it('issue 11: closes connections that end (FIN) before or halfway through their ClientHello, and frees their file descriptors', async () => {
      const { port, subscription, whenClosed } = await listenEcho({ cert: certificate.cert, key: certificate.key });
      try {
        const baseline = openFds();
        const noHello = await abandonHandshakes(port, { count: 150, batch: 50, timeoutMs: 1000 });
        const halfHello = await abandonHandshakes(port, { count: 150, batch: 50, first: halfClientHello(), timeoutMs: 1000 });
        expect({ noHello, halfHello }, 'connections the server closed').to.deep.equal({ noHello: 150, halfHello: 150 });
        expect(await eventually(() => openFds() <= baseline, 2000), `open fds ${openFds()}, before ${baseline}`).to.equal(true);
        expect(await askTls(port, certificate.cert, 'hello\n')).to.equal('hello');
      } finally {
        subscription.unsubscribe();
        await whenClosed;
      }
    });

    it('issue 11: closes a connection that sends half a ClientHello and then nothing, handshakeTimeoutMs after it arrived', async () => {
      const { port, subscription, whenClosed } = await listenEcho({ cert: certificate.cert, key: certificate.key, handshakeTimeoutMs: 200 });
      try {
        const [stalled, silent] = await Promise.all([
          abandonHandshake(port, { first: halfClientHello(), end: false, timeoutMs: 3000 }),
          abandonHandshake(port, { end: false, timeoutMs: 3000 }),
        ]);
        for (const [name, ended] of [['half a ClientHello', stalled], ['nothing at all', silent]] as const) {
          expect(ended.outcome, name).to.equal('closed');
          expect(ended.afterMs, name).to.be.within(150, 2000);
        }
      } finally {
        subscription.unsubscribe();
        await whenClosed;
      }
    });

    it('issue 11: counts connections in their handshake, and against maxConnections', async () => {
      const counts: number[] = [];
      let refused = 0;
      const { port, subscription, whenClosed } = await listenEcho({
        cert: certificate.cert,
        key: certificate.key,
        maxConnections: 3,
        handshakeTimeoutMs: 300,
        onHandshaking: (n) => counts.push(n),
        onRefused: () => (refused += 1),
      });
      try {
        const held = [1, 2, 3].map(() => abandonHandshake(port, { end: false, timeoutMs: 3000 }));
        expect(await eventually(() => counts.at(-1) === 3, 1000), `counts ${counts.join(',')}`).to.equal(true);
        const fourth = await abandonHandshake(port, { end: false, timeoutMs: 3000 });
        expect(fourth.outcome, 'a fourth connection').to.equal('closed');
        expect(fourth.afterMs, 'closed on arrival, long before the deadline').to.be.lessThan(250);
        expect(refused).to.equal(1);
        expect((await Promise.all(held)).map((h) => h.outcome)).to.deep.equal(['closed', 'closed', 'closed']);
        expect(await eventually(() => counts.at(-1) === 0, 1000), `counts ${counts.join(',')}`).to.equal(true);
        expect(counts.slice(0, 3)).to.deep.equal([1, 2, 3]);
        expect(await askTls(port, certificate.cert, 'again\n'), 'slots came back').to.equal('again');
      } finally {
        subscription.unsubscribe();
        await whenClosed;
      }
    });
  });

  it('keeps a connection half-open once its handshake is done: a client that ends its side still gets its replies', async () => {
    const { port, subscription, whenClosed } = await listenEcho({ cert: certificate.cert, key: certificate.key });
    try {
      const socket = connectTls({ host: '127.0.0.1', port, ca: certificate.cert });
      const received = new Promise<string>((resolve, reject) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      socket.once('secureConnect', () => socket.end('last words\n'));
      expect(await received).to.equal('last words\n');
      socket.destroy();
    } finally {
      subscription.unsubscribe();
      await whenClosed;
    }
  });
});
