import { connect, createServer, type ServerOpts, type Socket } from 'node:net';

/** A connected pair on 127.0.0.1: the accepted socket and the client's, and a close for both and the server. */
export async function socketPair(options: ServerOpts = {}): Promise<{ accepted: Socket; client: Socket; close(): Promise<void> }> {
  const server = createServer(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepting = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  client.on('error', () => {});
  await new Promise((resolve) => client.once('connect', resolve));
  const accepted = await accepting;
  return {
    accepted,
    client,
    close: async () => {
      client.destroy();
      accepted.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
