/**
 * The plain-Node baseline: the calc protocol over node:net / node:dgram with callbacks, no RxJS.
 * It reuses rxnet's pure pieces (LineDecoder / decodeMessage for framing, parseRequest,
 * evaluateRequest, encodeOutcome for the protocol), so its replies are identical to rxnet's for
 * valid and invalid input, and a comparison against it isolates what rxnet's reactive pipeline
 * and transport wrappers cost.
 *
 *   node dist/bench/baselineServer.js [--tcp | --udp] [--host H] [--port P] [--max-line-length N] [--workers N]
 *
 * Prints `listening tcp|udp HOST:PORT` once ready (the same contract as cli/server.js); SIGTERM or
 * SIGINT closes it and exits 0.
 */
import cluster from 'node:cluster';
import { createSocket } from 'node:dgram';
import { createServer, isIPv6, type AddressInfo, type Server, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import {
  DEFAULT_MAX_LINE_LENGTH,
  ERROR_REPLY,
  LineDecoder,
  decodeMessage,
  encodeOutcome,
  evaluateRequest,
  formatAddress,
  isOverlong,
  parseRequest,
  type Frame,
} from '../lib/index.js';
import { isMain } from './isMain.js';

/** Options of {@link startBaselineServer}. */
export interface BaselineOptions {
  readonly transport: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
  readonly maxLineLength: number;
}

/** A running baseline server. */
export interface BaselineServer {
  readonly address: AddressInfo;
  /** Closes the listener and every connection; resolves once closed. Safe to call more than once. */
  close(): Promise<void>;
}

/** The reply text (with its `\n`) for one frame: the same functions rxnet's operators call. */
export function replyTo(frame: Frame): string {
  if (isOverlong(frame)) return `${ERROR_REPLY}\n`;
  const parsed = parseRequest(frame);
  return `${parsed.ok ? encodeOutcome(evaluateRequest(parsed.request)) : ERROR_REPLY}\n`;
}

function repliesTo(frames: readonly Frame[]): string {
  let out = '';
  for (const frame of frames) out += replyTo(frame);
  return out;
}

/** Serves one TCP connection: frame, answer in order in one write per read, pause while the peer does not read. */
function serveSocket(socket: Socket, maxLineLength: number): void {
  const decoder = new LineDecoder(maxLineLength);
  const write = (out: string): void => {
    if (out.length > 0 && !socket.write(out)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  };
  socket.on('data', (chunk: Buffer) => write(repliesTo(decoder.push(chunk))));
  socket.on('end', () => {
    write(repliesTo(decoder.end()));
    socket.end();
  });
  socket.on('error', () => socket.destroy());
}

/**
 * Starts the baseline server in this process.
 *
 * Example: `const server = await startBaselineServer({ transport: 'tcp', host: '127.0.0.1', port: 0, maxLineLength: 4096 })`
 */
export function startBaselineServer(options: BaselineOptions): Promise<BaselineServer> {
  return options.transport === 'tcp' ? startTcp(options) : startUdp(options);
}

function startTcp(options: BaselineOptions): Promise<BaselineServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveSocket(socket, options.maxLineLength);
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

function startUdp(options: BaselineOptions): Promise<BaselineServer> {
  const socket = createSocket({ type: isIPv6(options.host) ? 'udp6' : 'udp4' });
  socket.on('message', (message, rinfo) => {
    socket.send(replyTo(decodeMessage(message, options.maxLineLength)), rinfo.port, rinfo.address);
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= new Promise<void>((resolve) => socket.close(() => resolve())));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: options.host, port: options.port }, () => {
      socket.off('error', reject);
      socket.on('error', () => {}); // a failed send (EMSGSIZE...) must not end the server
      resolve({ address: socket.address(), close });
    });
  });
}

/** Parses the CLI flags; throws a one-line message naming a bad flag. */
function parseBaselineArgs(argv: readonly string[]): BaselineOptions & { workers: number } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      tcp: { type: 'boolean' },
      udp: { type: 'boolean' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9000' },
      'max-line-length': { type: 'string', default: String(DEFAULT_MAX_LINE_LENGTH) },
      workers: { type: 'string', default: '1' },
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
  };
}

/** Runs as a process: one server, or with --workers N > 1 a cluster primary and N workers sharing the port. */
async function main(): Promise<void> {
  let options: ReturnType<typeof parseBaselineArgs>;
  try {
    options = parseBaselineArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`baselineServer: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.workers > 1 && cluster.isPrimary) {
    runPrimary(options);
    return;
  }
  const server = await startBaselineServer(options);
  if (cluster.isPrimary) process.stdout.write(`listening ${options.transport} ${formatAddress(server.address)}\n`);
  else process.send?.({ listening: server.address });
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function runPrimary(options: ReturnType<typeof parseBaselineArgs>): void {
  let announced = false;
  for (let i = 0; i < options.workers; i += 1) {
    cluster.fork().on('message', (message: { listening?: AddressInfo }) => {
      if (announced || message.listening === undefined) return;
      announced = true;
      process.stdout.write(`listening ${options.transport} ${formatAddress(message.listening)}\n`);
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

if (isMain(import.meta.url)) void main();
