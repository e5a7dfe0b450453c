/**
 * What the bench's own servers (the plain-Node baseline, the one reusing rxnet's functions, the
 * user-pipeline server) share as processes: the same flags, the `listening tcp|udp HOST:PORT`
 * line of cli/server.js, `--workers N` through node:cluster, and SIGTERM/SIGINT closing them with
 * exit code 0. Nothing here is rxnet's: it imports node:* only, so the plain baseline stays
 * independent of the library it is the yardstick for.
 */
import cluster from 'node:cluster';
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type AddressInfo, type Server, type Socket } from 'node:net';
import { parseArgs } from 'node:util';

/** The flags every bench server takes. */
export interface BenchServerOptions {
  readonly transport: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
  /** The longest request line / datagram, bytes. Defaults to 4096. */
  readonly maxLineLength: number;
  /** UDP: the socket's receive buffer (SO_RCVBUF), bytes. Defaults to the kernel's. */
  readonly recvBufferSize?: number;
}

/** A bench server running in this process. */
export interface BenchServer {
  readonly address: AddressInfo;
  /** Closes the listener and every connection; resolves once closed. Safe to call more than once. */
  close(): Promise<void>;
}

/** Parses the flags; throws a one-line message naming a bad flag. Usage: `parseServerArgs(['--udp', '--port', '0'])`. */
export function parseServerArgs(argv: readonly string[]): BenchServerOptions & { readonly workers: number } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      tcp: { type: 'boolean' },
      udp: { type: 'boolean' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9000' },
      'max-line-length': { type: 'string', default: '4096' },
      workers: { type: 'string', default: '1' },
      'recv-buffer-size': { type: 'string' },
    },
  });
  if (values.tcp === true && values.udp === true) throw new Error('--tcp and --udp cannot be used together');
  const integer = (name: string, value: string, min: number, max: number): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new Error(`Invalid --${name} "${value}" (expected an integer ${min}-${max})`);
    return Number(value);
  };
  return {
    transport: values.udp === true ? 'udp' : 'tcp',
    host: values.host,
    port: integer('port', values.port, 0, 65535),
    maxLineLength: integer('max-line-length', values['max-line-length'], 1024, 1 << 24),
    workers: integer('workers', values.workers, 1, 64),
    ...(values['recv-buffer-size'] === undefined ? {} : { recvBufferSize: integer('recv-buffer-size', values['recv-buffer-size'], 1, 1 << 30) }),
  };
}

/**
 * Listens on TCP and hands each connection to `serve` (half-open allowed, Nagle off); closing
 * destroys every connection.
 *
 * Example: `await listenTcpServer(options, (socket) => socket.pipe(socket))`
 */
export function listenTcpServer(options: BenchServerOptions, serve: (socket: Socket) => void): Promise<BenchServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serve(socket);
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolve({ address: server.address() as AddressInfo, close });
    });
  });
}

/**
 * Binds a UDP socket and hands each datagram to `onMessage`; a failed send (EMSGSIZE...) is
 * ignored rather than ending the server.
 *
 * Example: `await bindUdpServer(options, (socket, message, from) => socket.send(message, from.port, from.address))`
 */
export function bindUdpServer(options: BenchServerOptions, onMessage: (socket: UdpSocket, message: Buffer, from: RemoteInfo) => void): Promise<BenchServer> {
  const socket = createSocket({ type: isIPv6(options.host) ? 'udp6' : 'udp4', ...(options.recvBufferSize === undefined ? {} : { recvBufferSize: options.recvBufferSize }) });
  socket.on('message', (message, from) => onMessage(socket, message, from));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= new Promise<void>((resolve) => socket.close(() => resolve())));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: options.host, port: options.port }, () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve({ address: socket.address(), close });
    });
  });
}

/** `127.0.0.1:9000`, `[::1]:9000`. */
function formatListening(address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

/**
 * Runs a bench server as a process: one server, or with `--workers N` > 1 a cluster primary and
 * N workers sharing the port. A usage error is one line on stderr and exit code 2.
 *
 * Example: `if (isMain(import.meta.url)) void runServerProcess('plainNodeServer', startPlainNodeServer)`
 */
export async function runServerProcess(name: string, start: (options: BenchServerOptions) => Promise<BenchServer>): Promise<void> {
  let options: ReturnType<typeof parseServerArgs>;
  try {
    options = parseServerArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.workers > 1 && cluster.isPrimary) {
    runPrimary(options);
    return;
  }
  const server = await start(options);
  if (cluster.isPrimary) process.stdout.write(`listening ${options.transport} ${formatListening(server.address)}\n`);
  else process.send?.({ listening: server.address });
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function runPrimary(options: ReturnType<typeof parseServerArgs>): void {
  let announced = false;
  for (let i = 0; i < options.workers; i += 1) {
    cluster.fork().on('message', (message: { listening?: AddressInfo }) => {
      if (announced || message.listening === undefined) return;
      announced = true;
      process.stdout.write(`listening ${options.transport} ${formatListening(message.listening)}\n`);
    });
  }
  const stop = (): void => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  cluster.on('exit', () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
}
