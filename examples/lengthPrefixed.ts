/*
 * A length-prefixed binary RPC on serveTcp + lengthFieldCodec, as a user would write it: each frame
 * is a 4-byte big-endian length and that many bytes; the server answers each frame with its bytes
 * reversed (binary-safe), and a frame with a bad or over-long length closes that connection alone.
 *
 *   node dist/examples/lengthPrefixed.js --port 7100     prints "listening tcp 127.0.0.1:7100"
 *   node dist/examples/lengthPrefixed.js --demo          a server and a client on a free port, then exits
 */
import { parseArgs } from 'node:util';
import { firstValueFrom, map } from 'rxjs';
import { createRequestClient, lengthFieldCodec, serveTcp } from '../lib/index.js';

/** The wire format: [length: 4 bytes, big-endian][body], bodies up to 1 MiB. */
const codec = lengthFieldCodec({ maxFrameLength: 1 << 20 });

/** The server, about twenty lines: transport + codec + handler. Resolves once it listens. */
function startServer(port: number): Promise<{ port: number; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const reverse = map((body: Uint8Array) => Buffer.from(body).reverse()); // the handler: one reply per request
    const server = serveTcp({ port, codec, onListening: (at) => resolve({ port: at.port, stop: () => server.unsubscribe() }) }, reverse).subscribe({
      error: reject,
    });
  });
}

/** The client, about twenty lines: each body sent as one frame, its reply matched in order. */
async function ask(port: number, bodies: readonly Buffer[]): Promise<Buffer[]> {
  const client = createRequestClient({ port, codec, tcp: { maxInFlight: 8 }, retry: { initial: 1000, retry: false } });
  try {
    const replies = await Promise.all(bodies.map((body) => firstValueFrom(client.request(body))));
    return replies.map((reply) => Buffer.from(reply));
  } finally {
    await client.close();
  }
}

async function demo(): Promise<void> {
  const server = await startServer(0);
  try {
    const bodies = [Buffer.from('hello'), Buffer.from('rxnet'), Buffer.from([0, 1, 2, 0xff]), Buffer.alloc(0)];
    const replies = await ask(server.port, bodies);
    bodies.forEach((body, index) => console.log(`${body.toString('hex') || '(empty)'} -> ${replies[index]?.toString('hex') || '(empty)'}`));
  } finally {
    server.stop();
  }
}

const { values } = parseArgs({ options: { port: { type: 'string', default: '7100' }, demo: { type: 'boolean', default: false } } });
if (values.demo) {
  await demo();
} else {
  const server = await startServer(Number(values.port));
  console.log(`listening tcp 127.0.0.1:${server.port}`);
  process.once('SIGINT', server.stop);
  process.once('SIGTERM', server.stop);
}
