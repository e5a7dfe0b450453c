import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';

/**
 * TLS handshake attacks and checks for the specs of issue 11: connections that end or stall
 * before their handshake is done. Loopback only, bounded in count and time.
 */

/** The first 64 bytes of a ClientHello whose record header announces 512: half a ClientHello, or less. */
export function halfClientHello(): Buffer {
  const hello = Buffer.alloc(64, 0x2a);
  Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]).copy(hello);
  return hello;
}

/** Open file descriptors of a process (Linux): /proc/<pid>/fd. */
export function openFds(pid: number | 'self' = 'self'): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * How one connection that never finished its handshake ended: `closed` when the server closed
 * it (FIN or reset) within `timeoutMs`, `open` when it was still open then (and we closed it).
 */
export type HandshakeOutcome = 'closed' | 'open';

/**
 * Connects to 127.0.0.1:port, optionally writes `first`, and ends its side at once (`end: true`)
 * or not; resolves with whether the server closed the connection within `timeoutMs`.
 */
export function abandonHandshake(port: number, opts: { first?: Buffer; end: boolean; timeoutMs: number }): Promise<{ outcome: HandshakeOutcome; afterMs: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ port, host: '127.0.0.1' });
    let settled = false;
    const settle = (outcome: HandshakeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ outcome, afterMs: performance.now() - started });
    };
    const timer = setTimeout(() => settle('open'), opts.timeoutMs);
    socket.on('error', () => settle('closed'));
    socket.on('end', () => settle('closed'));
    socket.on('close', () => settle('closed'));
    socket.resume();
    socket.once('connect', () => {
      if (opts.first !== undefined) socket.write(opts.first);
      if (opts.end) socket.end();
    });
  });
}

/** Runs `count` abandoned handshakes, `batch` at a time; resolves with how many the server closed. */
export async function abandonHandshakes(port: number, opts: { count: number; batch: number; first?: Buffer; timeoutMs: number }): Promise<number> {
  let closed = 0;
  for (let done = 0; done < opts.count; done += opts.batch) {
    const outcomes = await Promise.all(
      Array.from({ length: Math.min(opts.batch, opts.count - done) }, () => abandonHandshake(port, { first: opts.first, end: true, timeoutMs: opts.timeoutMs })),
    );
    closed += outcomes.filter((o) => o.outcome === 'closed').length;
  }
  return closed;
}

/** One calc request over TLS (trusting `ca`); resolves with the reply line, or rejects. */
export function askTls(port: number, ca: Buffer, request: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: '127.0.0.1', port, ca });
    let text = '';
    const timer = setTimeout(() => finish(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err === undefined) resolve(text.slice(0, text.indexOf('\n')));
      else reject(err);
    };
    socket.on('error', (err) => finish(err));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) finish();
    });
    socket.once('secureConnect', () => socket.write(request));
  });
}
