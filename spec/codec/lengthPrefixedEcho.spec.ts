import { expect } from 'chai';
import { EMPTY, catchError, mergeMap, tap } from 'rxjs';
import { lengthFieldCodec, listenTcp, type SocketAddress, type TcpConnection } from '../../lib/index.js';
import { openSocket } from '../helpers/rawTcp.js';

/** The echo server of docs/codecs.md, on port 0: each length-prefixed frame comes back as it was. */
function startEcho(): Promise<{ address: SocketAddress; stop: () => Promise<void> }> {
  const { decode, encode } = lengthFieldCodec({ maxFrameLength: 1024 });
  const echo = (connection: TcpConnection) =>
    connection.data$.pipe(
      decode,
      tap({ next: (body) => connection.send(encode(body)), complete: () => connection.end(), error: () => connection.destroy() }),
      catchError(() => EMPTY),
    );
  return new Promise((resolve, reject) => {
    let closed: () => void = () => {};
    const whenClosed = new Promise<void>((done) => (closed = done));
    const subscription = listenTcp({ port: 0, onListening: (address) => resolve({ address, stop: () => (subscription.unsubscribe(), whenClosed) }), onClosed: () => closed() })
      .pipe(mergeMap(echo))
      .subscribe({ error: reject });
  });
}

/** Writes `parts` one at a time, ends, and resolves with every byte the server sent. */
async function exchange(port: number, parts: readonly Buffer[]): Promise<{ received: Buffer }> {
  const socket = await openSocket(port);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A server that closes on a bad length may reset the socket under our last write: that is its answer.
  socket.on('error', () => {});
  const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  for (const part of parts) socket.write(part);
  socket.end();
  await done;
  return { received: Buffer.concat(chunks) };
}

describe('lengthFieldCodec over TCP (the echo of docs/codecs.md)', () => {
  it('echoes length-prefixed frames however the client cut its writes, then ends with the client', async () => {
    const { address, stop } = await startEcho();
    try {
      const frames = Buffer.concat([Buffer.of(0, 0, 0, 5), Buffer.from('hello'), Buffer.of(0, 0, 0, 0), Buffer.of(0, 0, 0, 3, 1, 2, 3)]);
      const { received } = await exchange(address.port, [frames.subarray(0, 2), frames.subarray(2, 7), frames.subarray(7)]);
      expect(received).to.deep.equal(frames);
    } finally {
      await stop();
    }
  });

  it('closes the connection on a length over the maximum, after echoing the frames before it', async () => {
    const { address, stop } = await startEcho();
    try {
      const ok = Buffer.concat([Buffer.of(0, 0, 0, 2), Buffer.from('ok')]);
      const { received } = await exchange(address.port, [Buffer.concat([ok, Buffer.of(0x7f, 0, 0, 0), Buffer.alloc(16)])]);
      expect(received).to.deep.equal(ok);
    } finally {
      await stop();
    }
  });
});
