import { fakeServer, onLines } from '../client/fakeServers.js';
import { seedAnswer } from './fakeSeedServer.js';

/**
 * A line server on a slow network (issue 11): it answers each `\n`-terminated request line, in
 * order, with its reply and a newline, but writes the first `splitAt` bytes, then the rest
 * `pauseMs` later, so `*,6,7` is answered `200,4`, then `2\n`. Pending timers are cleared by close().
 */
export interface SplitReplyServer {
  readonly port: number;
  /** Every request line it read, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Starts a split-reply server on 127.0.0.1, a free port. Defaults: split after 5 bytes, 50 ms apart. */
export async function startSplitReplyServer(options: { splitAt?: number; pauseMs?: number } = {}): Promise<SplitReplyServer> {
  const splitAt = options.splitAt ?? 5;
  const pauseMs = options.pauseMs ?? 50;
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = await fakeServer((socket) => {
    const queue: string[] = [];
    let writing = false;
    // One reply at a time, in order: its first part, the pause, its rest, then the next reply.
    const writeNext = (): void => {
      const whole = queue.shift();
      writing = whole !== undefined && socket.writable;
      if (whole === undefined || !writing) return;
      socket.write(whole.slice(0, splitAt));
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (socket.writable) socket.write(whole.slice(splitAt));
        writeNext();
      }, pauseMs);
      timers.add(timer);
    };
    onLines(socket, (line) => {
      requests.push(line);
      queue.push(`${seedAnswer(line)}\n`);
      if (!writing) writeNext();
    });
  });
  return {
    port: server.port,
    requests,
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return server.close();
    },
  };
}
