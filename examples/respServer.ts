/*
 * A Redis-protocol (RESP2) server on rxnet's transports and codecs, as a user would write it:
 * inline and multibulk requests, binary-safe values, pipelining; PING ECHO SET GET DEL INCR EXISTS.
 * The real redis-cli and redis-benchmark talk to it (spec/examples/respServer.spec.ts).
 *
 *   node dist/examples/respServer.js --port 6380        prints "listening tcp 127.0.0.1:6380"
 */
import { parseArgs } from 'node:util';
import { catchError, EMPTY, finalize, map, mergeMap } from 'rxjs';
import { framed, listenTcp, type FrameDecoder } from '../lib/index.js';

const CRLF = Buffer.from('\r\n');
const MAX_BULK = 1 << 20; // 1 MiB values, 1,024 arguments: a hostile client holds no more
const MAX_ARGS = 1024;

/** RESP2 requests: `*N\r\n` then N `$len\r\n<bytes>\r\n`, or an inline line of words. */
class RespDecoder implements FrameDecoder<Buffer[]> {
  private pending = Buffer.alloc(0);
  push(chunk: Uint8Array): Buffer[][] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: Buffer[][] = [];
    for (let request = this.next(); request !== undefined; request = this.next()) out.push(request);
    if (this.pending.length > MAX_BULK + 64) throw new Error('Protocol error: request too big');
    return out;
  }
  end(): Buffer[][] {
    return [];
  }
  /** One whole request from the front of `pending`, or undefined until more bytes come. */
  private next(): Buffer[] | undefined {
    const eol = this.pending.indexOf(CRLF);
    if (eol === -1) return undefined;
    if (this.pending[0] !== 0x2a /* '*' */) {
      const line = this.pending.subarray(0, eol).toString('latin1').trim();
      this.pending = this.pending.subarray(eol + 2);
      return line === '' ? this.next() : line.split(/\s+/).map((word) => Buffer.from(word, 'latin1'));
    }
    const count = this.integer(1, eol, MAX_ARGS);
    const args: Buffer[] = [];
    let at = eol + 2;
    while (args.length < count) {
      const end = this.pending.indexOf(CRLF, at);
      if (end === -1) return undefined;
      if (this.pending[at] !== 0x24 /* '$' */) throw new Error("Protocol error: expected '$'");
      const length = this.integer(at + 1, end, MAX_BULK);
      if (this.pending.length < end + 2 + length + 2) return undefined;
      args.push(Buffer.from(this.pending.subarray(end + 2, end + 2 + length)));
      at = end + 2 + length + 2;
    }
    this.pending = this.pending.subarray(at);
    return args;
  }
  private integer(from: number, to: number, max: number): number {
    const text = this.pending.toString('latin1', from, to);
    if (!/^\d{1,10}$/.test(text) || Number(text) > max) throw new Error(`Protocol error: invalid length ${JSON.stringify(text.slice(0, 20))}`);
    return Number(text);
  }
}

const store = new Map<string, Buffer>(); // keys as latin1 strings: binary-safe
const bulk = (value: Buffer | undefined): Buffer => (value === undefined ? Buffer.from('$-1\r\n') : Buffer.concat([Buffer.from(`$${value.length}\r\n`), value, CRLF]));
const error = (message: string): Buffer => Buffer.from(`-ERR ${message}\r\n`);
const integer = (n: number): Buffer => Buffer.from(`:${n}\r\n`);

/** Runs one command; the reply's bytes. */
function execute([name, ...args]: Buffer[]): Buffer {
  const command = name?.toString('latin1').toUpperCase() ?? '';
  const key = args[0]?.toString('latin1') ?? '';
  const arity = (n: number): boolean => args.length === n;
  switch (command) {
    case 'PING':
      return args.length === 0 ? Buffer.from('+PONG\r\n') : bulk(args[0]);
    case 'ECHO':
      return arity(1) ? bulk(args[0]) : error("wrong number of arguments for 'echo' command");
    case 'SET':
      if (!arity(2)) return error("wrong number of arguments for 'set' command");
      store.set(key, args[1] as Buffer);
      return Buffer.from('+OK\r\n');
    case 'GET':
      return arity(1) ? bulk(store.get(key)) : error("wrong number of arguments for 'get' command");
    case 'DEL':
    case 'EXISTS':
      if (args.length === 0) return error(`wrong number of arguments for '${command.toLowerCase()}' command`);
      return integer(args.filter((arg) => (command === 'DEL' ? store.delete(arg.toString('latin1')) : store.has(arg.toString('latin1')))).length);
    case 'INCR': {
      if (!arity(1)) return error("wrong number of arguments for 'incr' command");
      const current = store.get(key)?.toString('latin1') ?? '0';
      if (!/^-?\d{1,19}$/.test(current) || !Number.isSafeInteger(Number(current) + 1)) return error('value is not an integer or out of range');
      store.set(key, Buffer.from(String(Number(current) + 1)));
      return integer(Number(current) + 1);
    }
    default:
      return error(`unknown command '${command.toLowerCase().slice(0, 64)}', with args beginning with: `);
  }
}

const { values } = parseArgs({ options: { port: { type: 'string', default: '6380' }, host: { type: 'string', default: '127.0.0.1' } } });
listenTcp({ host: values.host, port: Number(values.port), onListening: (at) => console.log(`listening tcp ${values.host}:${at.port}`) })
  .pipe(
    mergeMap((conn) =>
      conn.data$.pipe(
        framed(() => new RespDecoder()), // bytes -> commands, across reads
        map((command) => conn.send(execute(command))), // pipelined replies, in order
        catchError((err: Error) => (conn.send(error(err.message)), EMPTY)), // a protocol error: say so, then close
        finalize(() => conn.end()),
      ),
    ),
  )
  .subscribe();
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
