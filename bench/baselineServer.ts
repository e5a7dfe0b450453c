/**
 * The second baseline, "reusing rxnet's pure functions": the calc protocol over node:net /
 * node:dgram with callbacks, no RxJS, but with rxnet's own pure pieces (LineDecoder /
 * decodeMessage for framing, parseRequest, evaluateRequest, encodeOutcome). This was the only
 * baseline before issue 12; beside the plain one (plainNodeServer.ts, which shares nothing with
 * rxnet) it splits rxnet's cost into what its pure functions cost and what the reactive pipeline,
 * transports and server features cost.
 *
 *   node dist/bench/baselineServer.js [--tcp | --udp] [--host H] [--port P] [--max-line-length N] [--workers N]
 *
 * Prints `listening tcp|udp HOST:PORT` once ready (the same contract as cli/server.js); SIGTERM or
 * SIGINT closes it and exits 0.
 */
import type { Socket } from 'node:net';
import { ERROR_REPLY, LineDecoder, decodeMessage, encodeOutcome, evaluateRequest, isOverlong, parseRequest, type Frame } from '../lib/index.js';
import { isMain } from './isMain.js';
import { bindUdpServer, listenTcpServer, runServerProcess, type BenchServer, type BenchServerOptions } from './serverProcess.js';

/** Options of {@link startBaselineServer}. */
export type BaselineOptions = BenchServerOptions;

/** A running baseline server. */
export type BaselineServer = BenchServer;

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
  if (options.transport === 'tcp') return listenTcpServer(options, (socket) => serveSocket(socket, options.maxLineLength));
  return bindUdpServer(options, (socket, message, from) => socket.send(replyTo(decodeMessage(message, options.maxLineLength)), from.port, from.address));
}

if (isMain(import.meta.url)) void runServerProcess('baselineServer', startBaselineServer);
