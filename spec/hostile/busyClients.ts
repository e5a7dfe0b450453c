import type { Socket } from 'node:net';
import { open } from './hostileClients.js';

/**
 * Busy connections for spec/hostile/busyConnections.spec.ts (issue 11, part 2): many connections
 * that each send a large batch of pipelined requests up front and then read their replies
 * slowly or never. Bounded in connections, bytes and time; `close()` destroys every socket.
 */

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of {@link busyConnections}. */
export interface BusyOptions {
  /** How many connections; every other one never reads. */
  readonly connections: number;
  /** Requests each connection sends in one write, before it reads anything. */
  readonly requestsEach: number;
  /** A slow reader reads what has arrived once every this many ms. */
  readonly readEveryMs: number;
  /** Connections opened at once (then a short pause), so the listen backlog is not overrun. */
  readonly batch: number;
}

/** The busy connections, while they run. */
export interface Busy {
  /** How long opening all of them and writing their requests took, in ms. */
  readonly openedAfterMs: number;
  /** Reply bytes the slow readers have read so far. */
  readBytes(): number;
  /** Destroys every connection and stops the readers' timer. */
  close(): void;
}

/**
 * Opens `connections` connections to 127.0.0.1:port; each writes `requestsEach` requests at once.
 * Even-numbered ones read their replies every `readEveryMs` (a slow reader), odd-numbered ones
 * never read (their requests get the longest replies the calc protocol has, `/,i,7`, so their
 * write side fills first).
 */
export async function busyConnections(port: number, opts: BusyOptions): Promise<Busy> {
  // Made once, before the first connection: building them is the client's work, not the server's.
  const readerRequests = requests(opts.requestsEach, '+');
  const neverReaderRequests = requests(opts.requestsEach, '/');
  const started = performance.now();
  const sockets: Socket[] = [];
  let readBytes = 0;
  const slowReaders: Socket[] = [];
  for (let i = 0; i < opts.connections; i += opts.batch) {
    const batch = await Promise.all(Array.from({ length: Math.min(opts.batch, opts.connections - i) }, () => open(port)));
    for (const socket of batch) {
      const index = sockets.length;
      sockets.push(socket);
      socket.on('error', () => {});
      socket.pause();
      const reader = index % 2 === 0;
      if (reader) {
        socket.on('data', (chunk: Buffer) => (readBytes += chunk.length));
        slowReaders.push(socket);
      }
      socket.write(reader ? readerRequests : neverReaderRequests);
    }
    await pause(5);
  }
  // A slow reader takes what has arrived, then pauses again until its next turn.
  const timer = setInterval(() => {
    for (const socket of slowReaders) {
      socket.resume();
      setImmediate(() => socket.pause());
    }
  }, opts.readEveryMs);
  return {
    openedAfterMs: performance.now() - started,
    readBytes: () => readBytes,
    close: () => {
      clearInterval(timer);
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** `count` requests `OP,k,7` (k = 1, 2, ...) in one buffer. */
function requests(count: number, op: '+' | '/'): Buffer {
  const lines: string[] = [];
  for (let k = 1; k <= count; k += 1) lines.push(`${op},${k},7\n`);
  return Buffer.from(lines.join(''));
}

/** When a new connection was answered: ms from `connect` to its first reply; NaN if it was not within `timeoutMs`. */
export async function firstReplyMs(port: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const socket = await open(port);
  try {
    return await new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(NaN), timeoutMs);
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (!text.includes('\n')) return;
        clearTimeout(timer);
        resolve(text === '200,10\n' ? performance.now() - started : NaN);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(NaN);
      });
      socket.write('*,2,5\n');
    });
  } finally {
    socket.destroy();
  }
}
