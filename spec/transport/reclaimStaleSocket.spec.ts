import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, type Observable } from 'rxjs';
import { listenTcp } from '../../lib/transport/listenTcp.js';
import { reclaimStaleSocket } from '../../lib/transport/reclaimStaleSocket.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { sleep } from '../helpers/rawTcp.js';

/** Listens with a plain node server on `path`. */
function liveServer(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.on('error', () => {}); // the probe hangs up at once
      socket.end('live\n');
    });
    server.once('error', reject);
    server.listen({ path }, () => resolve(server));
  });
}

/** Leaves a socket file at `path` that nothing listens on: a hard link to a listening socket's file, kept after that server closed. */
async function abandonedSocket(path: string): Promise<void> {
  const server = await liveServer(`${path}.orig`);
  linkSync(`${path}.orig`, path);
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Leaves the socket file of a process that listened on `path` and was killed (SIGKILL: no cleanup). */
async function killedServerSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

/** Subscribes and resolves with the listening address, or rejects with the listen error. */
function listening(
  source: (onListening: () => void) => Observable<TcpConnection>,
  onConnection: (connection: TcpConnection) => void = () => {},
): Promise<{ unsubscribe: () => void }> {
  return new Promise((resolve, reject) => {
    const subscription = source(() => resolve({ unsubscribe: () => subscription.unsubscribe() })).subscribe({ next: onConnection, error: reject });
  });
}

/** The first line a client reads from the Unix socket at `path`. */
function firstLine(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString().split('\n')[0] ?? '');
    });
    socket.once('error', reject);
  });
}

describe('listenTcp on a Unix socket path that is in use (reclaimStaleSocket)', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxnet-stale-'));
    path = join(dir, 'calc.sock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const [left, leave] of [
    ['a process that was killed', killedServerSocket],
    ['a server that closed without removing it (a hard link to its file)', abandonedSocket],
  ] as const) {
    it(`issue 10: removes the socket file of ${left}, which nothing answers on, and listens there`, async () => {
      await leave(path);
      expect(lstatSync(path).isSocket()).to.equal(true);
      const accepted: TcpConnection[] = [];
      const server = await listening((onListening) => listenTcp({ path, onListening }), (c) => accepted.push(c));
      try {
        const client = connect({ path });
        await new Promise<void>((resolve, reject) => {
          client.once('connect', () => resolve());
          client.once('error', reject);
        });
        client.destroy();
        while (accepted.length === 0) await sleep(5);
        expect(accepted[0]?.remote.family).to.equal('unix');
      } finally {
        server.unsubscribe();
      }
    });
  }

  it('issue 10: fails with EADDRINUSE saying another process is listening, and leaves that server alone', async () => {
    const live = await liveServer(path);
    try {
      const err = (await listening((onListening) => listenTcp({ path, onListening })).then(
        () => expect.fail('expected EADDRINUSE'),
        (e: unknown) => e,
      )) as NodeJS.ErrnoException;
      expect(err.code).to.equal('EADDRINUSE');
      expect(err.message).to.equal(`listen EADDRINUSE: another process is listening on ${path}`);
      expect(await firstLine(path)).to.equal('live');
    } finally {
      await new Promise<void>((resolve) => live.close(() => resolve()));
    }
  });

  it('issue 10: never removes a path that is not a socket', async () => {
    writeFileSync(path, 'keep me');
    const err = (await firstValueFrom(listenTcp({ path })).then(
      () => expect.fail('expected EADDRINUSE'),
      (e: unknown) => e,
    )) as NodeJS.ErrnoException;
    expect(err.code).to.equal('EADDRINUSE');
    expect(err.message).to.equal(`listen EADDRINUSE: ${path} exists and is not a socket (left in place)`);
    expect(readFileSync(path, 'utf8')).to.equal('keep me');
  });

  it('does nothing more once cancelled: the file stays and done is never called', async () => {
    await abandonedSocket(path);
    let called = false;
    const cancel = reclaimStaleSocket(path, () => (called = true));
    cancel();
    await sleep(50);
    expect(called).to.equal(false);
    expect(existsSync(path)).to.equal(true);
  });
});
