import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { encodeOutcome } from '../../lib/calc/protocol/encodeOutcome.js';
import { evaluateRequest } from '../../lib/calc/protocol/evaluateRequest.js';
import { parseRequest } from '../../lib/calc/protocol/parseRequest.js';

/** A hand-rolled TCP server for fault tests: it does whatever `onSocket` makes each connection do. */
export interface FakeServer {
  readonly port: number;
  /** Open connections. */
  readonly sockets: Set<Socket>;
  /** Connections accepted so far. */
  accepted: number;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a fake server on 127.0.0.1 (port 0 unless given). */
export function fakeServer(onSocket: (socket: Socket) => void, port = 0): Promise<FakeServer> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer();
    const sockets = new Set<Socket>();
    const fake: { accepted: number } = { accepted: 0 };
    server.on('connection', (socket) => {
      fake.accepted += 1;
      sockets.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => sockets.delete(socket));
      onSocket(socket);
    });
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : 0;
      resolve(
        Object.assign(fake, {
          port: bound,
          sockets,
          close: () =>
            new Promise<void>((done) => {
              for (const socket of sockets) socket.destroy();
              server.close(() => done());
            }),
        }),
      );
    });
  });
}

/** The calc answer to one request line, as the real server would give it (without newline). */
export function answer(line: string): string {
  const parsed = parseRequest(line.trim());
  return parsed.ok ? encodeOutcome(evaluateRequest(parsed.request)) : encodeOutcome(parsed);
}

/** Calls `onLine` for each `\n`-terminated line the socket receives. */
export function onLines(socket: Socket, onLine: (line: string, index: number) => void): void {
  let rest = '';
  let index = 0;
  socket.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) onLine(line, index++);
  });
}

/** The original seed server's TCP behaviour: each read is one request, each reply has no newline. */
export function seedServer(): Promise<FakeServer> {
  return fakeServer((socket) => socket.on('data', (chunk: Buffer) => socket.write(answer(chunk.toString('utf8')))));
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = await fakeServer(() => {});
  await server.close();
  return server.port;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Settles `promise` into a value or the error it rejected with. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/**
 * A listener whose connection attempts hang: a child process listens with a backlog of 1 and is
 * stopped (SIGSTOP), and two connections fill its accept queue, so the kernel drops later SYNs.
 */
export async function stalledListener(): Promise<{ port: number; close(): Promise<void> }> {
  const script = "require('net').createServer().listen({ host: '127.0.0.1', port: 0, backlog: 1 }, function () { process.stdout.write(this.address().port + '\\n') })";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = Number(await new Promise<string>((resolve) => child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim()))));
  child.kill('SIGSTOP');
  const fillers = [0, 1].map(() => connect({ host: '127.0.0.1', port }).on('error', () => {}));
  await Promise.all(fillers.map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
  return {
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      await exited;
    },
  };
}
