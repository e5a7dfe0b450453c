/*
 * A JSON-lines RPC with request ids, on any transport, as a user would write it: the codec is the
 * line codec with JSON on top; the server is serveTcp or serveUdp with that codec; the client is
 * createRequestClient, correlating replies by order over TCP and by id over UDP (a slow request's
 * reply may come after a quick one's: over UDP each datagram is served on its own).
 *
 *   {"id":1,"method":"add","params":[1,2]}   ->   {"id":1,"result":3}
 *   methods: add, mul, echo, sleep (params: [ms]); anything else gets {"id":…,"error":"…"}
 *
 *   node dist/examples/jsonLines.js --port 7200 [--udp]   prints "listening tcp|udp 127.0.0.1:7200"
 *   node dist/examples/jsonLines.js --demo                TCP and UDP servers and clients on free ports, then exits
 */
import { parseArgs } from 'node:util';
import { concatMap, delay, firstValueFrom, map, of, type Observable, type OperatorFunction } from 'rxjs';
import { createRequestClient, isOverlong, lineCodec, serveTcp, serveUdp, type Codec, type Frame, type OverlongFrame } from '../lib/index.js';

interface RpcRequest { readonly id: number; readonly method: string; readonly params: readonly unknown[] }
interface RpcReply { readonly id: number | null; readonly result?: unknown; readonly error?: string }

/** JSON lines: one JSON value per `\n`-terminated line; a line that is not JSON decodes to `invalid`. */
function jsonLines<In, Out>(invalid: In): Codec<In | OverlongFrame, Out> {
  const lines = lineCodec({ maxLineLength: 65536 });
  const parse = (frame: Frame): In | OverlongFrame => {
    if (isOverlong(frame)) return frame;
    try {
      return JSON.parse(frame) as In;
    } catch {
      return invalid;
    }
  };
  return { decode: (source) => source.pipe(lines.decode, map(parse)), encode: (message) => `${JSON.stringify(message)}\n` };
}

/** One request's reply; `sleep` answers after its delay. */
function answer(request: RpcRequest | undefined | OverlongFrame): Observable<RpcReply> {
  if (request === undefined || isOverlong(request) || typeof request.id !== 'number') return of({ id: null, error: 'not a request' });
  const [a, b] = request.params.map(Number) as [number, number];
  switch (request.method) {
    case 'add':
      return of({ id: request.id, result: a + b });
    case 'mul':
      return of({ id: request.id, result: a * b });
    case 'echo':
      return of({ id: request.id, result: request.params });
    case 'sleep':
      return of({ id: request.id, result: a }).pipe(delay(a));
    default:
      return of({ id: request.id, error: `unknown method ${JSON.stringify(request.method)}` });
  }
}

/** In order, one reply per request: what a stream owes its client (concatMap keeps the order). */
const handler: OperatorFunction<RpcRequest | undefined | OverlongFrame, RpcReply> = concatMap(answer);

/** Serves the RPC on `transport`; resolves with its port once it listens. */
function startServer(transport: 'tcp' | 'udp', port: number): Promise<{ port: number; stop: () => void }> {
  const codec = jsonLines<RpcRequest | undefined, RpcReply>(undefined);
  return new Promise((resolve, reject) => {
    const onListening = (at: { port: number }): void => resolve({ port: at.port, stop: () => server.unsubscribe() });
    const served = transport === 'tcp' ? serveTcp({ port, codec, onListening }, handler) : serveUdp({ port, codec, onListening }, handler);
    const server = served.subscribe({ error: reject });
  });
}

/** A client of `transport`: by order on TCP, by id on UDP. */
function client(transport: 'tcp' | 'udp', port: number) {
  return createRequestClient({
    transport,
    port,
    codec: jsonLines<RpcReply, RpcRequest>({ id: null, error: 'not JSON' }),
    isReply: (reply: RpcReply) => typeof reply === 'object' && reply !== null && typeof reply.id === 'number',
    retry: { initial: 1000, retry: false },
    ...(transport === 'udp' ? { key: { request: (request: RpcRequest) => request.id, reply: (reply: RpcReply) => reply.id ?? undefined } } : { tcp: { maxInFlight: 4 } }),
  });
}

async function demo(): Promise<void> {
  for (const transport of ['tcp', 'udp'] as const) {
    const server = await startServer(transport, 0);
    const rpc = client(transport, server.port);
    try {
      const requests: RpcRequest[] = [
        { id: 1, method: 'sleep', params: [100] },
        { id: 2, method: 'add', params: [1, 2] },
        { id: 3, method: 'mul', params: [6, 7] },
        { id: 4, method: 'nope', params: [] },
      ];
      const arrived: number[] = [];
      const replies = await Promise.all(requests.map((request) => firstValueFrom(rpc.request(request)).then((reply) => (arrived.push(request.id), reply))));
      for (const reply of replies) console.log(`${transport} ${JSON.stringify(reply)}`);
      console.log(`${transport} replies arrived for ids ${arrived.join(',')}`);
    } finally {
      await rpc.close();
      server.stop();
    }
  }
}

const { values } = parseArgs({ options: { port: { type: 'string', default: '7200' }, udp: { type: 'boolean', default: false }, demo: { type: 'boolean', default: false } } });
if (values.demo) {
  await demo();
} else {
  const transport = values.udp ? 'udp' : 'tcp';
  const server = await startServer(transport, Number(values.port));
  console.log(`listening ${transport} 127.0.0.1:${server.port}`);
  process.once('SIGINT', server.stop);
  process.once('SIGTERM', server.stop);
}
