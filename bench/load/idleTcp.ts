import type { Socket } from 'node:net';
import { readRssKiB } from '../procStats.js';
import { openTcpSockets } from './tcpLoad.js';

/** Options of {@link runIdleTcp}. */
export interface IdleOptions {
  readonly host: string;
  readonly port: number;
  /** Idle connections to hold open. */
  readonly connections: number;
  /** The server's pid, to read its RSS from /proc. */
  readonly serverPid: number;
  /** How long to let the server settle before each RSS reading. Defaults to 1000 ms. */
  readonly settleMs?: number;
  /** How long to wait for the one reply on each connection. Defaults to 5000 ms. */
  readonly timeoutMs?: number;
}

/** What {@link runIdleTcp} measured. */
export interface IdleResult {
  readonly connections: number;
  /** Connections that opened and answered their one request correctly. */
  readonly verified: number;
  /** Connections that failed to open or to answer. */
  readonly failed: number;
  readonly rssBeforeKiB: number;
  readonly rssAfterKiB: number;
  /** (after - before) / verified connections, in bytes. */
  readonly bytesPerConnection: number;
}

/**
 * Measures the server's memory per idle connection: warm the server up, read its RSS, open
 * `connections` connections that each make one request (so the server has set up everything a
 * connection needs) and then stay idle, read the RSS again, close them all.
 *
 * Example: `await runIdleTcp({ host: '127.0.0.1', port, connections: 5000, serverPid })`
 */
export async function runIdleTcp(options: IdleOptions): Promise<IdleResult> {
  const settleMs = options.settleMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  // Warm up: connection set-up and the request path run a few hundred times before "before".
  for (let round = 0; round < 5; round += 1) {
    const warm = await openTcpSockets(options.host, options.port, 50);
    await exchangeAll(warm.sockets, timeoutMs);
    for (const socket of warm.sockets) socket.destroy();
  }
  const rssBeforeKiB = await settledRss(options.serverPid, settleMs);
  const { sockets, failed } = await openTcpSockets(options.host, options.port, options.connections);
  try {
    const verified = await exchangeAll(sockets, timeoutMs);
    const rssAfterKiB = await settledRss(options.serverPid, settleMs);
    return {
      connections: options.connections,
      verified,
      failed: failed + sockets.length - verified,
      rssBeforeKiB,
      rssAfterKiB,
      bytesPerConnection: verified === 0 ? 0 : Math.round(((rssAfterKiB - rssBeforeKiB) * 1024) / verified),
    };
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

/** Sends `+,1,1` on every socket; resolves with how many answered exactly `200,2`. */
function exchangeAll(sockets: readonly Socket[], timeoutMs: number): Promise<number> {
  return Promise.all(sockets.map((socket) => exchange(socket, timeoutMs))).then((oks) => oks.filter(Boolean).length);
}

function exchange(socket: Socket, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let received = '';
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      resolve(ok);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.toString('latin1');
      if (received.includes('\n')) finish(received === '200,2\n');
    };
    const onError = (): void => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.write('+,1,1\n');
  });
}

/** Waits `settleMs`, then reads the RSS three times 100 ms apart and returns the median. */
async function settledRss(pid: number, settleMs: number): Promise<number> {
  await sleep(settleMs);
  const readings: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    readings.push(readRssKiB(pid) ?? Number.NaN);
    await sleep(100);
  }
  return readings.sort((a, b) => a - b)[1] as number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
