import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LoadDriver, type LoadChannel } from './LoadDriver.js';
import type { LoadOptions, LoadResult } from './LoadOptions.js';
import type { MixedRequest } from './requestMix.js';

/** How many recently lost requests a socket remembers, to tell a late reply from a wrong one. */
const REMEMBERED_LOST = 8;

/**
 * One connected UDP socket with one request in flight: UDP replies carry no request id, so one
 * request per socket at a time is what makes every reply attributable. A reply later than
 * `timeoutMs` counts the request as lost; if it shows up afterwards it counts as late.
 */
class UdpChannel implements LoadChannel {
  readonly capacity = 1;
  outstanding = 0;
  alive = false;
  private expected = '';
  private sentAt = 0;
  private readonly lostExpected: string[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly driver: LoadDriver,
  ) {
    socket.on('message', (message) => this.onMessage(message));
    socket.on('error', () => {
      driver.errors += 1;
    });
  }

  connect(host: string, port: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.socket.connect(port, host, () => {
        this.alive = true;
        resolve();
      });
    });
  }

  send(requests: readonly MixedRequest[], now: number): void {
    const request = requests[0] as MixedRequest;
    this.expected = request.expected;
    this.sentAt = now;
    this.outstanding = 1;
    this.socket.send(`${request.text}\n`);
  }

  /** Counts the request lost if it has waited longer than `timeoutMs`. */
  expire(now: number, timeoutMs: number): boolean {
    if (this.outstanding === 0 || now - this.sentAt <= timeoutMs) return false;
    this.driver.lost += 1;
    this.lostExpected.push(this.expected);
    if (this.lostExpected.length > REMEMBERED_LOST) this.lostExpected.shift();
    this.outstanding = 0;
    return true;
  }

  close(): void {
    this.alive = false;
    this.socket.close();
  }

  private onMessage(message: Buffer): void {
    const now = performance.now();
    const end = message.length > 0 && message[message.length - 1] === 0x0a ? message.length - 1 : message.length;
    const text = message.toString('latin1', 0, end);
    if (this.outstanding === 0 || (text !== this.expected && this.lostExpected.includes(text))) {
      if (this.lostExpected.includes(text)) this.driver.late += 1;
      else this.driver.mismatches += 1;
      return;
    }
    this.outstanding = 0;
    this.driver.reply(this.expected, text, this.sentAt, now);
    this.driver.replied(this, now);
  }
}

/**
 * Runs UDP load: `window` connected sockets, each with one request in flight, every reply
 * verified; a reply later than `timeoutMs` is lost (and `late` if it arrives afterwards).
 *
 * Example: `await runUdpLoad({ transport: 'udp', host: '127.0.0.1', port, connections: 1, window: 32, requests: 1000, seconds: 1, rate: 0, timeoutMs: 200 })`
 */
export async function runUdpLoad(options: LoadOptions): Promise<LoadResult> {
  const driver = new LoadDriver(options);
  const type = isIPv6(options.host) ? 'udp6' : 'udp4';
  const channels: UdpChannel[] = [];
  for (let i = 0; i < options.window; i += 1) channels.push(new UdpChannel(createSocket({ type }), driver));
  await Promise.all(channels.map((channel) => channel.connect(options.host, options.port)));
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const channel of channels) if (channel.expire(now, options.timeoutMs)) driver.replied(channel, now);
  }, Math.max(1, Math.min(50, options.timeoutMs / 4)));
  try {
    await driver.run(channels);
  } finally {
    clearInterval(sweep);
    for (const channel of channels) {
      channel.expire(Number.POSITIVE_INFINITY, 0); // still in flight at the hard bound: lost
      channel.close();
    }
  }
  return driver.result(0);
}
