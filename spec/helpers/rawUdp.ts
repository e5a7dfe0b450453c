import { createSocket, type Socket } from 'node:dgram';

/** A plain UDP test client bound to an ephemeral loopback port. */
export interface UdpProbe {
  readonly socket: Socket;
  /** Every datagram received so far, as text. */
  readonly received: string[];
  send(payload: string | Buffer, port: number): void;
  /** Resolves once `count` datagrams have arrived, or after `timeoutMs` with what arrived. */
  waitFor(count: number, timeoutMs: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Opens a {@link UdpProbe}. */
export async function openUdpProbe(): Promise<UdpProbe> {
  const socket = createSocket('udp4');
  const received: string[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    received.push(data.toString('utf8'));
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    socket,
    received,
    send: (payload, port) => socket.send(payload, port, '127.0.0.1'),
    waitFor: (count, timeoutMs) =>
      new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve([...received]);
        };
        const check = (): void => {
          if (received.length >= count) done();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
