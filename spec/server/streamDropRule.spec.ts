import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as connectNet, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { delay, map, pipe, take } from 'rxjs';
import { STREAM_TRANSPORTS, type StreamTransport } from '../../lib/transport/Transport.js';
import type { ServerOptions } from '../../lib/calc/server/serverOptions.js';
import { startServer } from '../../lib/calc/server/startServer.js';
import { startCli } from '../helpers/childProcess.js';
import { makeSelfSignedCert, type TestCertificate } from '../helpers/selfSignedCert.js';

/** Where a stream server listens: a port on 127.0.0.1, or a socket file. */
interface Where {
  readonly port: number;
  readonly path: string;
}

/** What a server over one transport needs: the certificate (TLS) and a fresh socket path (Unix). */
interface Setup {
  readonly certificate: TestCertificate;
  readonly path: string;
}

/**
 * How the spec starts and reaches a server over each stream transport. Typed by StreamTransport,
 * so a stream transport added to TRANSPORT_REGISTRY does not compile here until it is covered.
 */
const STREAMS: Record<
  StreamTransport,
  { options(s: Setup): Partial<ServerOptions>; flags(s: Setup): string[]; connect(w: Where, s: Setup): Socket }
> = {
  tcp: {
    options: () => ({ transport: 'tcp', port: 0 }),
    flags: () => ['--port', '0'],
    connect: (w) => connectNet({ host: '127.0.0.1', port: w.port }),
  },
  tls: {
    options: (s) => ({ transport: 'tls', port: 0, cert: s.certificate.cert, key: s.certificate.key }),
    flags: (s) => ['--tls', '--cert', s.certificate.certFile, '--key', s.certificate.keyFile, '--port', '0'],
    connect: (w, s) => connectTls({ host: '127.0.0.1', port: w.port, ca: s.certificate.cert }),
  },
  unix: {
    options: (s) => ({ transport: 'unix', path: s.path }),
    flags: (s) => ['--unix', s.path],
    connect: (w) => connectNet({ path: w.path }),
  },
};

/** `+,i,0` for i in 0..count-1, one line each: the reply to request i is `200,i`, so each reply names its request. */
function numberedRequests(count: number): string {
  return Array.from({ length: count }, (_, i) => `+,${i},0\n`).join('');
}

/** What one connection got: its reply lines, and whether the server ended it (rather than the spec giving up waiting). */
interface Outcome {
  readonly lines: string[];
  readonly ended: boolean;
}

/**
 * Writes `payload` (the client never ends its side) and reads reply lines until the connection
 * closes, `lines` lines have arrived, or `timeoutMs` passes; then destroys the socket.
 */
function exchangeOn(socket: Socket, payload: string, until: { lines?: number; timeoutMs?: number } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    let text = '';
    let done = false;
    const received = (): string[] => text.split('\n').slice(0, -1);
    const finish = (ended: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ lines: received(), ended });
    };
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (until.lines !== undefined && received().length >= until.lines) finish(false);
    });
    socket.on('error', () => {}); // a reset shows as lines missing, which the assertions report
    socket.once('close', () => finish(true));
    const timer = setTimeout(() => finish(false), until.timeoutMs ?? 5000);
    socket.write(payload);
  });
}

/** The replies to the first `count` numbered requests, in order: `200,0`, `200,1`... */
function numberedReplies(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `200,${i}`);
}

/** Rolls for `random`: every request's roll passes but the numbered ones (counted from 0 across the server), which lose. */
function rollsLosing(...losing: number[]): () => number {
  let roll = 0;
  return () => (losing.includes(roll++) ? 0.99 : 0.1);
}

describe('the drop rule on stream transports', function () {
  this.timeout(20000);
  let certificate: TestCertificate;
  let dir: string;
  let sockets = 0;
  const setup = (): Setup => ({ certificate, path: join(dir, `calc-${(sockets += 1)}.sock`) });
  const whereOf = (address: { address: string; port: number }): Where => ({ port: address.port, path: address.address });

  before(() => {
    certificate = makeSelfSignedCert();
    dir = mkdtempSync(join(tmpdir(), 'rxnet-drop-'));
  });
  after(() => {
    certificate.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of STREAM_TRANSPORTS) {
    describe(transport, () => {
      it('issue 10: startServer with success 0.7 answers 200 pipelined requests in order up to the first lost roll, then ends the connection', async () => {
        const s = setup();
        const random = rollsLosing(120, 121, 150, 170);
        const server = await startServer({ ...STREAMS[transport].options(s), success: 0.7, random });
        try {
          const outcome = await exchangeOn(STREAMS[transport].connect(whereOf(server.address), s), numberedRequests(200));
          expect(outcome).to.deep.equal({ lines: numberedReplies(120), ended: true });
          expect(server.snapshot()).to.include({ requests: 121, replies: 120, dropped: 1 });
        } finally {
          await server.close();
        }
      });

      it('issue 10: node cli/server.js --success 0.7 never sends a reply that answers another request', async () => {
        const s = setup();
        const cli = await startCli('cli/server.js', [...STREAMS[transport].flags(s), '--success', '0.7']);
        const where: Where = { port: cli.port, path: s.path };
        try {
          for (let connection = 0; connection < 10; connection += 1) {
            const outcome = await exchangeOn(STREAMS[transport].connect(where, s), numberedRequests(200));
            expect(outcome.lines, `connection ${connection}`).to.deep.equal(numberedReplies(outcome.lines.length));
            // Every roll passing 200 times has probability 0.7^200, about 1e-31.
            expect(outcome.lines.length, `connection ${connection}: a roll was lost`).to.be.below(200);
            expect(outcome.ended, `connection ${connection}: the server ended it`).to.equal(true);
          }
        } finally {
          cli.kill();
          await cli.exited;
        }
      });

      it('issue 11: with maxInFlight 4, rolls that used to drop 6 replies end the connection at the first instead of stalling it, and the next connection is answered', async () => {
        const s = setup();
        let lossy = true;
        const losing = rollsLosing(10, 12, 14, 16, 18, 20);
        const random = (): number => (lossy ? losing() : 0.1);
        const server = await startServer({ ...STREAMS[transport].options(s), success: 0.7, maxInFlight: 4, random });
        try {
          const where = whereOf(server.address);
          const outcome = await exchangeOn(STREAMS[transport].connect(where, s), numberedRequests(200));
          expect(outcome).to.deep.equal({ lines: numberedReplies(10), ended: true });
          lossy = false;
          const next = await exchangeOn(STREAMS[transport].connect(where, s), '+,1,1\n', { lines: 1 });
          expect(next).to.deep.equal({ lines: ['200,2'], ended: false });
          expect(server.snapshot()).to.include({ dropped: 1 });
        } finally {
          await server.close();
        }
      });

      it('issue 11: node cli/server.js --max-in-flight 4 --success 0.7 ends a connection at its first lost roll, and answers new ones', async () => {
        const s = setup();
        const cli = await startCli('cli/server.js', [...STREAMS[transport].flags(s), '--success', '0.7', '--max-in-flight', '4']);
        const where: Where = { port: cli.port, path: s.path };
        try {
          const outcome = await exchangeOn(STREAMS[transport].connect(where, s), numberedRequests(200));
          expect(outcome.lines).to.deep.equal(numberedReplies(outcome.lines.length));
          expect(outcome.ended, 'the server ended it').to.equal(true);
          // Each new connection's one request is answered with probability 0.7; 20 all lost is about 3e-11.
          const answers: string[][] = [];
          for (let attempt = 0; attempt < 20 && !answers.some((lines) => lines.length > 0); attempt += 1) {
            answers.push((await exchangeOn(STREAMS[transport].connect(where, s), '*,6,7\n', { lines: 1 })).lines);
          }
          expect(answers.flat()).to.deep.equal(['200,42']);
        } finally {
          cli.kill();
          await cli.exited;
        }
      });
    });
  }

  describe('serveTcp in-flight accounting', () => {
    it('ends the connection and counts the requests left in flight as dropped when the pipeline completes early', async () => {
      // A slow pipeline that answers 3 requests and completes (as randomCut does), with more
      // requests in flight than maxInFlight 2 (reading is held meanwhile).
      const threeThenCut = pipe(
        map((frame: unknown) => String(frame)),
        delay(10),
        take(3),
      );
      const server = await startServer({ port: 0, maxInFlight: 2 }, threeThenCut);
      try {
        const socket = STREAMS.tcp.connect(whereOf(server.address), setup());
        const outcome = await exchangeOn(socket, 'a\nb\nc\nd\ne\nf\n');
        expect(outcome).to.deep.equal({ lines: ['a', 'b', 'c'], ended: true });
        const stats = server.snapshot();
        expect(stats.replies).to.equal(3);
        expect(stats.dropped, 'the requests read but never answered').to.equal(stats.requests - 3);
      } finally {
        await server.close();
      }
    });
  });
});
