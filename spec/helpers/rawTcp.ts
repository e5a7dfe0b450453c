import { connect, type Socket } from 'node:net';

/** Opens a plain TCP socket to 127.0.0.1:port (a test client that knows nothing of rxnet). */
export function openSocket(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Collects `\n`-terminated lines from a socket until `count` arrived, or rejects after
 * `timeoutMs` with the lines seen so far.
 */
export function readLines(socket: Socket, count: number, timeoutMs = 3000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let rest = '';
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err === undefined) resolve(lines);
      else reject(err);
    };
    const onData = (chunk: Buffer): void => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length >= count) finish();
    };
    const onClose = (): void => finish(new Error(`socket closed after ${lines.length} of ${count} lines: ${JSON.stringify(lines.slice(-3))}`));
    const timer = setTimeout(() => finish(new Error(`timed out after ${lines.length} of ${count} lines`)), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

/** Sends `payload` on a fresh connection and returns the first `count` reply lines; closes the socket. */
export async function exchange(port: number, payload: string | Buffer, count: number): Promise<string[]> {
  const socket = await openSocket(port);
  try {
    const lines = readLines(socket, count);
    socket.write(payload);
    return await lines;
  } finally {
    socket.destroy();
  }
}

/** Resolves when the socket has closed (the server ended or reset it). */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Connects to 127.0.0.1:port and resolves `connected`, or the error code (`ECONNREFUSED`...). */
export function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'unknown'));
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
  });
}

/**
 * Writes `bytes` on a fresh connection to `port` and resolves with everything the server sent
 * until it closed (`closedByServer`), or until `ms` passed (then our side closes it).
 */
export function rawExchange(port: number, bytes: Buffer, ms = 3000): Promise<{ received: Buffer; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received: Buffer.concat(chunks), closedByServer: false });
    }, ms);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received: Buffer.concat(chunks), closedByServer: true });
    });
    socket.write(bytes);
  });
}
