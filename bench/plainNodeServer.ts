/**
 * The yardstick of `npm run bench`: the calc protocol as a competent engineer would write it with
 * node:net and node:dgram alone, sharing no code with rxnet. Its own small parser (indexOf for the
 * commas and one number pattern), its own line framing, one write per read, pause/resume on
 * backpressure, one send per datagram. It answers byte for byte as rxnet does (docs/protocol.md;
 * spec/bench/plainNodeServer.spec.ts checks valid, invalid, CRLF, empty, over-long and unterminated
 * input), so the ratio rxnet/plain answers "what does rxnet cost me over writing it by hand?".
 *
 *   node dist/bench/plainNodeServer.js [--tcp | --udp] [--host H] [--port P] [--max-line-length N] [--workers N]
 *
 * Prints `listening tcp|udp HOST:PORT` once ready; SIGTERM or SIGINT closes it and exits 0.
 */
import type { Socket } from 'node:net';
import { isMain } from './isMain.js';
import { bindUdpServer, listenTcpServer, runServerProcess, type BenchServer, type BenchServerOptions } from './serverProcess.js';

const ERROR = '300,-1';
/** A decimal number: optional sign, digits with an optional fraction or a dot and digits, optional exponent. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/** `text[start, end)` without the spaces and tabs around it. */
function field(text: string, start: number, end: number): string {
  while (start < end && (text.charCodeAt(start) === SPACE || text.charCodeAt(start) === TAB)) start += 1;
  while (end > start && (text.charCodeAt(end - 1) === SPACE || text.charCodeAt(end - 1) === TAB)) end -= 1;
  return text.slice(start, end);
}

/**
 * The reply (without `\n`) to one request line (without its terminator): `200,RESULT` or `300,-1`.
 *
 * Example: `answer('* , 6 ,\t7')` is `'200,42'`; `answer('/,1,0')` is `'300,-1'`.
 */
export function answer(line: string): string {
  const first = line.indexOf(',');
  const second = first < 0 ? -1 : line.indexOf(',', first + 1);
  if (second < 0) return ERROR;
  const op = field(line, 0, first);
  const a = field(line, first + 1, second);
  const b = field(line, second + 1, line.length);
  if (!NUMBER.test(a) || !NUMBER.test(b)) return ERROR;
  const x = Number(a);
  const y = Number(b);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return ERROR; // 1e999
  let result: number;
  switch (op) {
    case '+':
      result = x + y;
      break;
    case '-':
      result = x - y;
      break;
    case '*':
      result = x * y;
      break;
    case '/':
      result = x / y;
      break;
    case '%':
      result = x % y;
      break;
    case '^':
      result = x ** y;
      break;
    default:
      return ERROR;
  }
  // String(n) is the shortest decimal that reads back as n, and String(-0) is '0'.
  return Number.isFinite(result) ? `200,${result}` : ERROR;
}

/** The reply to a TCP line: a `\r` before the `\n` is not part of it; over the limit is an error. */
function answerLine(line: string, maxLineLength: number): string {
  const end = line.length > 0 && line.charCodeAt(line.length - 1) === CR ? line.length - 1 : line.length;
  if (end > maxLineLength) return `${ERROR}\n`;
  return `${answer(end === line.length ? line : line.slice(0, end))}\n`;
}

/**
 * Serves one TCP connection. Bytes are read as latin1 (one character per byte, so lengths are
 * bytes; a non-ASCII byte fails the parse as rxnet's UTF-8 does). Each read is answered with one
 * write; a line longer than the limit gets one `300,-1` as soon as it passes the limit and is
 * skipped to its `\n`; while a write is buffered, reading pauses until `drain`.
 */
function serveSocket(socket: Socket, maxLineLength: number): void {
  let pending = '';
  let skipping = false;
  const write = (out: string): void => {
    if (out.length > 0 && !socket.write(out, 'latin1')) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  };
  socket.setEncoding('latin1');
  socket.on('data', (text: string) => {
    let out = '';
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      if (skipping) skipping = false;
      else out += answerLine(pending === '' ? text.slice(start, newline) : pending + text.slice(start, newline), maxLineLength);
      pending = '';
      start = newline + 1;
    }
    if (!skipping && start < text.length) {
      // One byte of slack: the line may still end in "\r\n".
      if (pending.length + text.length - start > maxLineLength + 1) {
        pending = '';
        skipping = true;
        out += `${ERROR}\n`;
      } else {
        pending += text.slice(start);
      }
    }
    write(out);
  });
  socket.on('end', () => {
    if (!skipping && pending !== '') write(answerLine(pending, maxLineLength));
    socket.end();
  });
  socket.on('error', () => socket.destroy());
}

/** The reply datagram to one request datagram: one trailing `\n` or `\r\n` is not part of it. */
function answerDatagram(message: Buffer, maxLength: number): string {
  let end = message.length;
  if (end > 0 && message[end - 1] === LF) {
    end -= 1;
    if (end > 0 && message[end - 1] === CR) end -= 1;
  }
  return `${end > maxLength ? ERROR : answer(message.toString('latin1', 0, end))}\n`;
}

/**
 * Starts the plain-Node calc server in this process.
 *
 * Example: `const server = await startPlainNodeServer({ transport: 'tcp', host: '127.0.0.1', port: 0, maxLineLength: 4096 })`
 */
export function startPlainNodeServer(options: BenchServerOptions): Promise<BenchServer> {
  if (options.transport === 'tcp') return listenTcpServer(options, (socket) => serveSocket(socket, options.maxLineLength));
  return bindUdpServer(options, (socket, message, from) => socket.send(answerDatagram(message, options.maxLineLength), from.port, from.address));
}

if (isMain(import.meta.url)) void runServerProcess('plainNodeServer', startPlainNodeServer);
