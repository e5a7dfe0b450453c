import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import { encodeOutcome } from '../../lib/calc/protocol/encodeOutcome.js';
import { evaluateRequest } from '../../lib/calc/protocol/evaluateRequest.js';
import { parseRequest } from '../../lib/calc/protocol/parseRequest.js';

/**
 * A stand-in for the ORIGINAL seed server (server.py): it treats each read (TCP) or datagram
 * (UDP) as one request, trims surrounding whitespace, and answers `200,X` or `300,-1` with NO
 * newline. It knows nothing of rxnet: no line framing, no tags.
 */
export interface FakeSeedServer {
  readonly port: number;
  /** Every request it read, trimmed, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** The seed's answer to one read. */
export function seedAnswer(read: string): string {
  const parsed = parseRequest(read.trim());
  return encodeOutcome(parsed.ok ? evaluateRequest(parsed.request) : parsed);
}

/** Options of {@link startFakeSeedServer}. */
export interface FakeSeedOptions {
  /** UDP only: the probability that a reply is sent (the seed's success modifier). Defaults to 1. */
  readonly success?: number;
  /** Numbers in [0, 1) for the drop rolls. Defaults to Math.random. */
  readonly random?: () => number;
}

/** Starts a fake seed server on 127.0.0.1, a free port. */
export async function startFakeSeedServer(transport: 'tcp' | 'udp', options: FakeSeedOptions = {}): Promise<FakeSeedServer> {
  const requests: string[] = [];
  if (transport === 'udp') {
    const socket = createSocket('udp4');
    const success = options.success ?? 1;
    const random = options.random ?? Math.random;
    socket.on('message', (data, rinfo) => {
      requests.push(data.toString('utf8').trim());
      if (random() < success) socket.send(seedAnswer(data.toString('utf8')), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return {
      port: socket.address().port,
      requests,
      close: () => new Promise((resolve) => socket.close(() => resolve())),
    };
  }
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (data) => {
      requests.push(data.toString('utf8').trim());
      socket.write(seedAnswer(data.toString('utf8')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
