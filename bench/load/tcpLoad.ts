import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LoadDriver, type LoadChannel } from './LoadDriver.js';
import type { LoadOptions, LoadResult } from './LoadOptions.js';
import type { MixedRequest } from './requestMix.js';

/**
 * One pipelined TCP connection: requests go out as one write per batch; replies come back in
 * order, so a ring of (expected reply, send time) matches each reply line to its request.
 */
class TcpChannel implements LoadChannel {
  outstanding = 0;
  alive = true;
  private readonly expected: string[];
  private readonly sentAt: Float64Array;
  private head = 0;
  private tail = 0;
  private carry = '';

  constructor(
    private readonly socket: Socket,
    readonly capacity: number,
    private readonly driver: LoadDriver,
  ) {
    this.expected = new Array<string>(capacity).fill('');
    this.sentAt = new Float64Array(capacity);
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => this.onData(text));
    socket.on('error', () => {
      driver.errors += 1;
    });
    socket.on('close', () => {
      this.alive = false;
    });
  }

  send(requests: readonly MixedRequest[], now: number): void {
    let out = '';
    for (const request of requests) {
      out += `${request.text}\n`;
      this.expected[this.tail] = request.expected;
      this.sentAt[this.tail] = now;
      this.tail = (this.tail + 1) % this.capacity;
    }
    this.outstanding += requests.length;
    this.socket.write(out);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(text: string): void {
    const now = performance.now();
    const data = this.carry + text;
    let start = 0;
    let replies = 0;
    for (let newline = data.indexOf('\n'); newline !== -1; newline = data.indexOf('\n', start)) {
      const line = data.slice(start, newline);
      start = newline + 1;
      if (this.outstanding === 0) {
        this.driver.mismatches += 1; // a reply nobody asked for
        continue;
      }
      this.driver.reply(this.expected[this.head] as string, line, this.sentAt[this.head] as number, now);
      this.head = (this.head + 1) % this.capacity;
      this.outstanding -= 1;
      replies += 1;
    }
    this.carry = data.slice(start);
    if (replies > 0) this.driver.replied(this, now);
  }
}

/** Opens `count` connections to host:port, `concurrency` at a time; failures are counted, not thrown. */
export async function openTcpSockets(host: string, port: number, count: number, concurrency = 200): Promise<{ sockets: Socket[]; failed: number }> {
  const sockets: Socket[] = [];
  let failed = 0;
  const openOne = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const socket = connect({ host, port, noDelay: true });
      const onError = (): void => {
        failed += 1;
        socket.destroy();
        resolve();
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        sockets.push(socket);
        resolve();
      });
    });
  for (let opened = 0; opened < count; opened += concurrency) {
    const batch: Promise<void>[] = [];
    for (let i = opened; i < Math.min(count, opened + concurrency); i += 1) batch.push(openOne());
    await Promise.all(batch);
  }
  return { sockets, failed };
}

/**
 * Runs TCP load: `connections` connections, each with up to `window` pipelined requests, every
 * reply verified. Resolves with the measurements; never rejects for a network failure (those are
 * counted in `errors` / `unanswered`).
 *
 * Example: `await runTcpLoad({ transport: 'tcp', host: '127.0.0.1', port, connections: 4, window: 8, requests: 1000, seconds: 1, rate: 0, timeoutMs: 1000 })`
 */
export async function runTcpLoad(options: LoadOptions): Promise<LoadResult> {
  const driver = new LoadDriver(options);
  const { sockets, failed } = await openTcpSockets(options.host, options.port, options.connections);
  driver.errors += failed;
  const channels = sockets.map((socket) => new TcpChannel(socket, options.window, driver));
  try {
    await driver.run(channels);
  } finally {
    for (const channel of channels) channel.close();
  }
  return driver.result(channels.reduce((sum, c) => sum + c.outstanding, 0));
}
