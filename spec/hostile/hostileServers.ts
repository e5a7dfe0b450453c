import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { referenceReply } from '../property/reference.js';
import { seededRandom } from './hostileClients.js';

/**
 * Hand-rolled servers that misbehave on purpose, for the client side of spec/hostile. They know
 * the calc protocol only through the reference implementation, and they never lie outright: a
 * well-formed reply they send is the right answer to some request the client sent them. What
 * they do wrong is everything else: garbage, over-long lines, extra, late, cut and reordered replies.
 */

/** The right reply text to a request line. */
export const answer = (line: string): string => referenceReply(line);

/** A running hostile server. */
export interface HostileServer {
  readonly port: number;
  /** How many requests it has read. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** What a hostile TCP server does with one request line, given the socket and its state. */
type TcpMove = (socket: Socket, line: string, state: { held: string[] }) => void;

/**
 * The misbehaviours of {@link startHostileTcpServer}, one chosen per request (seeded). Each names
 * what the client must survive; `held` keeps requests whose answer is sent later, out of order.
 */
export const TCP_MOVES: Readonly<Record<string, TcpMove>> = {
  right: (socket, line) => socket.write(`${answer(line)}\n`),
  garbage: (socket) => socket.write('garbage\n'),
  binary: (socket) => socket.write(Buffer.from([0x32, 0x30, 0x30, 0x2c, 0xff, 0x00, 0xfe, 0x0a])),
  notANumber: (socket) => socket.write('200,abc\n'),
  overlong: (socket) => socket.write(`200,${'7'.repeat(10_000)}\n`),
  extra: (socket, line) => socket.write(`${answer(line)}\n${answer(line)}\n`),
  splitSlowly: (socket, line) => {
    const whole = `${answer(line)}\n`;
    socket.write(whole.slice(0, 3));
    setTimeout(() => socket.writable && socket.write(whole.slice(3)), 30);
  },
  cutByFin: (socket, line) => socket.end(answer(line).slice(0, 4)),
  late: (socket, line) => {
    setTimeout(() => socket.writable && socket.write(`${answer(line)}\n`), 250);
  },
  // Hold this one; answer it after the next request's answer (replies out of order).
  reorder: (_socket, line, state) => {
    state.held.push(line);
  },
};

/** A move that once made the client print a non-answer (see the regression test in clientVsHostileServers.spec.ts). */
export const TCP_NON_ANSWERS: Readonly<Record<string, TcpMove>> = {
  infinite: (socket) => socket.write('200,1e999\n'),
};

/**
 * A TCP server that answers each request line with a move drawn from `moves` (seeded); after any
 * move but `reorder`, the answers it held back are sent, so they arrive out of order.
 */
export async function startHostileTcpServer(
  moves: readonly string[],
  seed: number,
  table: Readonly<Record<string, TcpMove>> = TCP_MOVES,
): Promise<HostileServer> {
  const random = seededRandom(seed);
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const state = { held: [] as string[] };
    let rest = '';
    socket.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('latin1')).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        requests += 1;
        const name = moves[Math.floor(random() * moves.length)] ?? 'right';
        table[name]?.(socket, line, state);
        if (name !== 'reorder' && socket.writable) {
          for (const held of state.held.splice(0)) socket.write(`${answer(held)}\n`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What a hostile UDP server sends for one request datagram: a list of [delay ms, payload, from the other port]. */
type UdpMove = (line: string) => ReadonlyArray<readonly [number, string | Buffer, boolean?]>;

/** The misbehaviours of {@link startHostileUdpServer}. None sends a wrong well-formed answer. */
export const UDP_MOVES: Readonly<Record<string, UdpMove>> = {
  right: (line) => [[0, `${answer(line)}\n`]],
  garbageFirst: (line) => [
    [0, 'garbage'],
    [0, Buffer.from([0xff, 0x00, 0x0a])],
    [0, ''],
    [0, '200,abc\n'],
    [0, '200, 1\n'],
    [1, `${answer(line)}\n`],
  ],
  duplicates: (line) => [
    [0, `${answer(line)}\n`],
    [0, `${answer(line)}\n`],
    [5, `${answer(line)}\r\n`],
  ],
  fromOtherPort: (line) => [
    [0, '200,12345\n', true],
    [2, `${answer(line)}\n`],
  ],
  drop: () => [],
  late: (line) => [[150, `${answer(line)}\n`]],
};

/**
 * Moves that once made the client print something that is not an answer: a number no double can
 * hold, and a 10,000-digit one (see the regression tests in clientVsHostileServers.spec.ts).
 */
export const UDP_NON_ANSWERS: Readonly<Record<string, UdpMove>> = {
  infinite: (line) => [
    [0, '200,1e999\n'],
    [5, `${answer(line)}\n`],
  ],
  overlong: (line) => [
    [0, `200,${'7'.repeat(10_000)}\n`],
    [5, `${answer(line)}\n`],
  ],
};

/** A UDP server that answers each datagram with a move drawn from `moves` (seeded). */
export async function startHostileUdpServer(moves: Readonly<Record<string, UdpMove>>, seed: number): Promise<HostileServer> {
  const random = seededRandom(seed);
  const names = Object.keys(moves);
  const socket: UdpSocket = createSocket('udp4');
  const other: UdpSocket = createSocket('udp4');
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  socket.on('message', (data, rinfo) => {
    requests += 1;
    const name = names[Math.floor(random() * names.length)] ?? 'right';
    for (const [delay, payload, fromOther] of moves[name]?.(data.toString('latin1').trim()) ?? []) {
      const send = (): void => (fromOther === true ? other : socket).send(payload, rinfo.port, rinfo.address);
      if (delay === 0) send();
      else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, delay);
        timers.add(timer);
      }
    }
  });
  await Promise.all([
    new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve)),
    new Promise<void>((resolve) => other.bind(0, '127.0.0.1', resolve)),
  ]);
  return {
    port: socket.address().port,
    requests: () => requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([new Promise<void>((resolve) => socket.close(() => resolve())), new Promise<void>((resolve) => other.close(() => resolve()))]);
    },
  };
}
