import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { OVERLONG, referenceLines, referenceReply } from '../property/reference.js';

/**
 * Hostile and broken clients for spec/hostile: each is bounded in connections, bytes and time,
 * closes every socket it opened before it resolves, and reports what it saw so the spec can
 * check the server's answers (never just "it did not crash").
 */

/** mulberry32: seeded numbers in [0, 1), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects to 127.0.0.1:port; with `from`, from that loopback address. */
export function open(port: number, from?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true, ...(from === undefined ? {} : { localAddress: from }) });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Writes `data`, waiting for 'drain' when the socket asks to (a client that respects backpressure). */
async function write(socket: Socket, data: string | Uint8Array): Promise<void> {
  if (!socket.write(data)) await new Promise<void>((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** Everything the server sends until it ends or closes the connection (or `timeoutMs`), as text. */
function readAll(socket: Socket, timeoutMs: number): Promise<{ text: string; ended: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let ended = false;
    const finish = (): void => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('utf8'), ended });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => (ended = true));
    socket.on('error', () => {});
    socket.once('close', finish);
  });
}

/** The replies a stream of request bytes must get: one per line, as the reference server answers. */
export function expectedReplies(stream: Uint8Array, maxLineLength: number): string[] {
  return referenceLines(stream, maxLineLength).map((line) => (line === OVERLONG ? '300,-1' : referenceReply(line)));
}

/** What one hostile connection got back, next to what it should have got. */
export interface Exchange {
  readonly expected: readonly string[];
  readonly received: readonly string[];
  /** True when the server ended its side (FIN) rather than resetting or timing out. */
  readonly ended: boolean;
}

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/**
 * Random bytes: `connections` clients each send `bytesEach` random bytes (a newline about every
 * 64 bytes, and one stretch longer than the line limit) in random-sized writes of up to
 * `writeMax` bytes, `pauseMs` apart, then end their side. Each must get exactly the reference
 * replies, then the server's FIN.
 */
export async function randomBytes(
  port: number,
  opts: { connections: number; bytesEach: number; seed: number; maxLineLength: number; writeMax: number; pauseMs: number },
): Promise<Exchange[]> {
  const random = seededRandom(opts.seed);
  const streams = Array.from({ length: opts.connections }, () => {
    const bytes = new Uint8Array(opts.bytesEach);
    for (let i = 0; i < bytes.length; i += 1) {
      const roll = random();
      bytes[i] = roll < 1 / 64 ? 0x0a : roll < 1 / 48 ? 0x0d : Math.floor(random() * 256);
    }
    // One over-long stretch without a newline.
    const at = Math.floor(random() * (bytes.length / 2));
    bytes.fill(0x35, at, Math.min(bytes.length, at + opts.maxLineLength + 500));
    return bytes;
  });
  return Promise.all(
    streams.map(async (stream) => {
      const socket = await open(port);
      const reply = readAll(socket, 8000);
      for (let offset = 0; offset < stream.length; ) {
        const size = 1 + Math.floor(random() * opts.writeMax);
        await write(socket, stream.subarray(offset, offset + size));
        offset += size;
        await pause(opts.pauseMs);
      }
      socket.end();
      const { text, ended } = await reply;
      return { expected: expectedReplies(stream, opts.maxLineLength), received: lines(text), ended };
    }),
  );
}

/**
 * 1 MiB lines: each client sends `linesEach` lines of 1 MiB (`+,1,` and a million digits), then
 * `+,2,3`, respecting backpressure, then ends. Each over-long line must get one `300,-1` and
 * the last request its answer.
 */
export async function megabyteLines(port: number, opts: { connections: number; linesEach: number }): Promise<Exchange[]> {
  const body = Buffer.alloc(1024 * 1024, '1');
  return Promise.all(
    Array.from({ length: opts.connections }, async () => {
      const socket = await open(port);
      const reply = readAll(socket, 8000);
      for (let i = 0; i < opts.linesEach; i += 1) {
        await write(socket, '+,1,');
        await write(socket, body);
        await write(socket, '\n');
      }
      socket.end('+,2,3\n');
      const { text, ended } = await reply;
      return { expected: [...Array.from({ length: opts.linesEach }, () => '300,-1'), '200,5'], received: lines(text), ended };
    }),
  );
}

/**
 * Slowloris: each client sends a valid request one byte every `byteEveryMs`, for about
 * `durationMs`, then ends; each request it completed must be answered.
 */
export async function slowloris(port: number, opts: { connections: number; byteEveryMs: number; durationMs: number }): Promise<Exchange[]> {
  return Promise.all(
    Array.from({ length: opts.connections }, async (_, c) => {
      const socket = await open(port);
      const reply = readAll(socket, opts.durationMs + 4000);
      const sent: string[] = [];
      const deadline = performance.now() + opts.durationMs;
      for (let i = 0; performance.now() < deadline; i += 1) {
        const request = `*, ${c + 1},${i + 2}\n`;
        for (const byte of Buffer.from(request)) {
          socket.write(Uint8Array.of(byte));
          await pause(opts.byteEveryMs);
        }
        sent.push(request);
      }
      socket.end();
      const { text, ended } = await reply;
      return { expected: expectedReplies(Buffer.from(sent.join('')), 4096), received: lines(text), ended };
    }),
  );
}

/** What a connection flood achieved. */
export interface FloodResult {
  readonly opened: number;
  /** Connections that got the right answer to their one request while all were held open. */
  readonly answered: number;
  /** Connections the server closed or refused. */
  readonly refused: number;
}

/**
 * A connection flood: opens `connections` connections (`batch` at a time, `pauseMs` apart) and holds them all;
 * then every one sends one request and waits for its answer (up to `replyTimeoutMs`); then all
 * close. Connections the server refuses or closes are counted, not fatal.
 */
export async function connectionFlood(
  port: number,
  opts: { connections: number; batch: number; pauseMs: number; replyTimeoutMs: number },
): Promise<FloodResult> {
  const sockets: Socket[] = [];
  let refused = 0;
  try {
    for (let i = 0; i < opts.connections; i += opts.batch) {
      const opened = await Promise.allSettled(Array.from({ length: Math.min(opts.batch, opts.connections - i) }, () => open(port)));
      for (const result of opened) {
        if (result.status === 'fulfilled') {
          // A refused connection is ended by the server on arrival; end ours too, so it closes.
          result.value.on('end', () => result.value.destroy());
          result.value.on('error', () => {});
          sockets.push(result.value);
        } else refused += 1;
      }
      await pause(opts.pauseMs);
    }
    const answers = await Promise.all(
      sockets.map(
        (socket, i) =>
          new Promise<boolean>((resolve) => {
            // Closed by the server already (refused on arrival): no 'close' event is coming.
            if (socket.destroyed || socket.readableEnded) {
              resolve(false);
              return;
            }
            let text = '';
            const timer = setTimeout(() => resolve(false), opts.replyTimeoutMs);
            socket.on('error', () => {});
            socket.on('data', (chunk: Buffer) => {
              text += chunk.toString('utf8');
              if (text.includes('\n')) {
                clearTimeout(timer);
                resolve(text === `200,${2 * i}\n`);
              }
            });
            socket.once('close', () => {
              clearTimeout(timer);
              resolve(false);
            });
            socket.write(`*,${i},2\n`);
          }),
      ),
    );
    const answered = answers.filter(Boolean).length;
    return { opened: sockets.length, answered, refused: refused + answers.length - answered };
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

/**
 * Abrupt resets: `parallel` clients each, `rounds` times in turn, connect, pipeline
 * `requestsEach` requests (whose replies outgrow them) and reset the connection (RST), at once
 * or 2 ms later, then wait `pauseMs`. Bounded by count, not by time, so a busy machine does the
 * same work, only slower. Resolves with how many connections it reset.
 */
export async function abruptResets(
  port: number,
  opts: { rounds: number; parallel: number; requestsEach: number; pauseMs: number },
): Promise<number> {
  const burst = Buffer.from('/,1,3\n'.repeat(opts.requestsEach));
  let resets = 0;
  await Promise.all(
    Array.from({ length: opts.parallel }, async (_, lane) => {
      for (let round = 0; round < opts.rounds; round += 1) {
        const socket = await open(port);
        socket.on('error', () => {});
        socket.write(burst);
        if ((round + lane) % 2 === 1) await pause(2);
        socket.resetAndDestroy();
        resets += 1;
        await pause(opts.pauseMs);
      }
    }),
  );
  return resets;
}

/**
 * Half-closed clients: each pipelines `requestsEach` requests and ends its side at once (FIN),
 * then only reads; they start `staggerMs` apart. Every reply must still arrive, then the
 * server's FIN.
 */
export async function halfClosed(port: number, opts: { connections: number; requestsEach: number; staggerMs: number }): Promise<Exchange[]> {
  return Promise.all(
    Array.from({ length: opts.connections }, async (_, c) => {
      await pause(c * opts.staggerMs);
      const payload = Array.from({ length: opts.requestsEach }, (__, i) => `-,${i},${c}\n`).join('');
      const socket = await open(port);
      const reply = readAll(socket, 5000);
      socket.end(payload);
      const { text, ended } = await reply;
      return { expected: expectedReplies(Buffer.from(payload), 4096), received: lines(text), ended };
    }),
  );
}

/** Clients that never read, held open until `close()`. */
export interface NeverReaders {
  /** Bytes each client handed to its socket. */
  readonly written: number[];
  /** Bytes still queued in each client's own socket: the server stopped taking them. */
  readonly stuck: number[];
  /** How long until every client's writes stalled (or the time limit). */
  readonly stalledAfterMs: number;
  /** Destroys every socket. */
  close(): void;
}

/**
 * Clients that never read: each pauses its socket and keeps pipelining requests whose replies are
 * almost four times bigger (`/,1,3` -> `200,0.3333333333333333`), until its writes stall for
 * 300 ms (the server stopped reading), `maxBytesEach` is written or `timeoutMs` passes. A server
 * that kept reading would have to buffer every reply. The sockets stay open until `close()`.
 */
export async function neverReaders(port: number, opts: { connections: number; maxBytesEach: number; timeoutMs: number }): Promise<NeverReaders> {
  const chunk = Buffer.from('/,1,3\n'.repeat(10000));
  const sockets = await Promise.all(Array.from({ length: opts.connections }, () => open(port)));
  const written = sockets.map(() => 0);
  const lastProgress = sockets.map(() => performance.now());
  const queued = sockets.map(() => 0);
  const started = performance.now();
  const close = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  for (const socket of sockets) {
    socket.pause();
    socket.on('error', () => {});
  }
  const stalled = (i: number): boolean => performance.now() - (lastProgress[i] ?? 0) > 300 || (written[i] ?? 0) >= opts.maxBytesEach;
  while (performance.now() - started < opts.timeoutMs && !sockets.every((_, i) => stalled(i))) {
    sockets.forEach((socket, i) => {
      const pending = socket.writableLength;
      if (pending !== queued[i]) lastProgress[i] = performance.now();
      // Keep at most 4 chunks queued locally, so this client's own memory stays small too.
      if ((written[i] ?? 0) < opts.maxBytesEach && pending < 4 * chunk.length) {
        socket.write(chunk);
        written[i] = (written[i] ?? 0) + chunk.length;
        lastProgress[i] = performance.now();
      }
      queued[i] = socket.writableLength;
    });
    await pause(5);
  }
  return { written, stuck: sockets.map((socket) => socket.writableLength), stalledAfterMs: performance.now() - started, close };
}

/** What a datagram costs a socket's receive buffer: its payload and about as much again as a small skb's overhead. */
const bufferCost = (size: number): number => size + 1280;

/**
 * Most of the server's receive buffer the UDP flood may fill (Linux's default is 208 KiB,
 * `net.core.rmem_default`): with less than this outstanding, no datagram of the flood or of
 * another source can be dropped for want of room, however slowly the server reads.
 */
const FLOOD_WINDOW_BYTES = 128 * 1024;

/**
 * A UDP flood of random datagrams from another loopback address (`from`): `count` datagrams of
 * random bytes (some empty, some over the limit, up to 60 KiB), sent as fast as the server
 * answers, with at most FLOOD_WINDOW_BYTES of them unanswered at any time. So the server's socket
 * buffer never overflows, and every datagram must get its one reply (the server answers each
 * datagram it reads with one line), however busy the machine. Resolves with the replies; stops
 * early (sent > replies) only if no reply comes for `replyTimeoutMs`.
 */
export async function udpGarbage(
  port: number,
  opts: { from: string; count: number; seed: number; replyTimeoutMs: number },
): Promise<{ sent: number; replies: string[] }> {
  const random = seededRandom(opts.seed);
  const socket = createSocket('udp4');
  const replies: string[] = [];
  const costs: number[] = [];
  let outstanding = 0;
  let wake: (() => void) | undefined;
  socket.on('message', (data) => {
    replies.push(data.toString('utf8'));
    outstanding -= costs[replies.length - 1] ?? 0;
    wake?.();
  });
  await new Promise<void>((resolve) => socket.bind(0, opts.from, resolve));
  const replied = (): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), opts.replyTimeoutMs);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve(true);
      };
    });
  let sent = 0;
  try {
    while (sent < opts.count) {
      const roll = random();
      const size = roll < 0.05 ? 0 : roll < 0.1 ? 5000 + Math.floor(random() * 56000) : Math.floor(random() * 64);
      const datagram = Buffer.alloc(size);
      for (let b = 0; b < Math.min(size, 64); b += 1) datagram[b] = Math.floor(random() * 256);
      while (outstanding + bufferCost(size) > FLOOD_WINDOW_BYTES) if (!(await replied())) return { sent, replies };
      costs.push(bufferCost(size));
      outstanding += bufferCost(size);
      socket.send(datagram, port, '127.0.0.1');
      sent += 1;
      if (sent % 16 === 0) await pause(0); // let replies in
    }
    while (replies.length < sent) if (!(await replied())) break;
    return { sent, replies };
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

/** What a client that pipelined until the server ended its connection saw. */
export interface PipelinedRun {
  /** Requests it wrote. */
  readonly sent: number;
  /** Reply lines it read, in order. */
  readonly received: string[];
  /** True when the server ended with a FIN; false after a reset or a timeout. */
  readonly ended: boolean;
}

/**
 * A busy, well-behaved client: pipelines `+,id,i` requests (i = 0, 1, ...) in batches of `batch`,
 * reading every reply, until the server ends the connection (then it ends its side too), or
 * `timeoutMs` passes. `started` resolves once its first reply has come: the server is serving it
 * (under load a server may take a few hundred ms to accept a new connection).
 */
export function pipelineUntilEnd(port: number, opts: { id: number; batch: number; timeoutMs: number }): { started: Promise<void>; done: Promise<PipelinedRun> } {
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = (async (): Promise<PipelinedRun> => {
    const socket = await open(port);
    const received: string[] = [];
    let rest = '';
    let sent = 0;
    let ended = false;
    let closed = false;
    socket.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      received.push(...parts);
      if (received.length > 0) markStarted();
    });
    socket.on('error', () => {});
    socket.on('end', () => {
      ended = true;
      socket.end();
    });
    const finished = new Promise<void>((resolve) =>
      socket.once('close', () => {
        closed = true;
        resolve();
      }),
    );
    const timer = setTimeout(() => socket.destroy(), opts.timeoutMs);
    while (!ended && !closed) {
      const lines = Array.from({ length: opts.batch }, (_, k) => `+,${opts.id},${sent + k}\n`).join('');
      sent += opts.batch;
      await write(socket, lines);
      await pause(1);
    }
    await finished;
    clearTimeout(timer);
    markStarted();
    return { sent, received, ended };
  })();
  return { started, done };
}

/**
 * A greedy but correct client: pipelines `writes` 64 KiB writes of `+,1,1` (10,000 requests each)
 * as fast as the server takes them (respecting backpressure) and reads every reply. Resolves with
 * how many replies it read, once it has read them all, or after `timeoutMs`.
 */
export async function greedyPipeliner(port: number, opts: { writes: number; timeoutMs: number }): Promise<number> {
  const perWrite = 10000;
  const chunk = Buffer.from('+,1,1\n'.repeat(perWrite));
  const socket = await open(port);
  let replies = 0;
  let allRead: () => void = () => {};
  const done = new Promise<void>((resolve) => (allRead = resolve));
  socket.on('data', (data: Buffer) => {
    for (const byte of data) if (byte === 0x0a) replies += 1;
    if (replies >= opts.writes * perWrite) allRead();
  });
  socket.on('error', () => {});
  socket.once('close', () => allRead());
  const timer = setTimeout(() => allRead(), opts.timeoutMs);
  for (let i = 0; i < opts.writes && !socket.destroyed; i += 1) {
    await write(socket, chunk);
    await pause(0);
  }
  await done;
  clearTimeout(timer);
  socket.destroy();
  return replies;
}
