import { connect, createServer, type Server, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { ApiError, startProxyServer } from '../../lib/index.js';
import { isMain } from '../isMain.js';
import { median } from '../run/median.js';

/**
 * The impairment proxy against a plain `net` pipe proxy, side by side (issue 14): the round-trip
 * time each adds with no toxic (p50 over sequential 1-byte echoes) and the throughput of a bulk
 * transfer through each. Both proxies, both upstreams and the client run in this one process, so
 * they share its core alike; runs alternate and the figures are medians. Loopback only, bounded
 * in bytes and round trips.
 */
export interface ProxyBenchResult {
  readonly runs: number;
  /** p50 round trip, µs: straight to the echo server, through the plain pipe, through rxnet. */
  readonly p50Micros: { readonly direct: number; readonly plain: number; readonly rxnet: number };
  /** What the rxnet proxy adds to a round trip at p50, µs (rxnet - direct); issue 14 asks for < 100. */
  readonly addedP50Micros: number;
  /** Bulk throughput, MiB/s. */
  readonly throughputMiBps: { readonly plain: number; readonly rxnet: number };
  /** rxnet / plain throughput; issue 14 asks for >= 0.8. */
  readonly throughputRatio: number;
}

const HOST = '127.0.0.1';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, HOST, () => resolve((server.address() as { port: number }).port)));
}

async function roundTripP50(port: number, count: number): Promise<number> {
  const socket = connect(port, HOST);
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = process.hrtime.bigint();
    await new Promise((resolve) => {
      socket.once('data', resolve);
      socket.write('x');
    });
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  socket.destroy();
  return median(times);
}

async function throughput(port: number, mebibytes: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const total = mebibytes * 1024 * 1024;
  const socket = connect({ port, host: HOST, allowHalfOpen: true });
  await new Promise((resolve) => socket.once('connect', resolve));
  const started = process.hrtime.bigint();
  const received = new Promise<number>((resolve) => socket.on('data', (d: Buffer) => resolve(Number(d.toString()))));
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  socket.end();
  const got = await received;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  socket.destroy();
  if (got !== total) throw new Error(`the sink counted ${got} bytes of ${total}`);
  return got / 1024 / 1024 / seconds;
}

/**
 * Runs the comparison. Example: `await measureProxies({ runs: 3, mebibytes: 200, roundTrips: 3000 })`
 */
export async function measureProxies(options: { runs: number; mebibytes: number; roundTrips: number }): Promise<ProxyBenchResult> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  const echo = createServer((s) => track(s).pipe(s));
  const sink = createServer({ allowHalfOpen: true }, (s) => {
    let n = 0;
    track(s).on('data', (c: Buffer) => (n += c.length));
    s.on('end', () => s.end(String(n)));
  });
  const pipeTo = (target: number): Server =>
    createServer({ allowHalfOpen: true }, (client) => {
      const upstream = track(connect({ port: target, host: HOST, allowHalfOpen: true }));
      track(client).pipe(upstream).pipe(client);
    });
  const servers = [echo, sink];
  const echoPort = await listen(echo);
  const sinkPort = await listen(sink);
  const plainEcho = pipeTo(echoPort);
  const plainSink = pipeTo(sinkPort);
  servers.push(plainEcho, plainSink);
  const plainEchoPort = await listen(plainEcho);
  const plainSinkPort = await listen(plainSink);
  const api = await startProxyServer({ port: 0 });
  try {
    const proxyPort = async (name: string, upstream: number): Promise<number> => {
      const created = await api.proxies.create({ name, listen: `${HOST}:0`, upstream: `${HOST}:${upstream}` });
      if (created instanceof ApiError) throw new Error(`cannot create proxy ${name}: ${created.message}`);
      return Number(created.listen.split(':').pop());
    };
    const rxEcho = await proxyPort('echo', echoPort);
    const rxSink = await proxyPort('sink', sinkPort);
    const samples = { direct: [] as number[], plain: [] as number[], rxnet: [] as number[], plainMiB: [] as number[], rxnetMiB: [] as number[] };
    for (let run = 0; run < options.runs; run += 1) {
      samples.direct.push(await roundTripP50(echoPort, options.roundTrips));
      const order = run % 2 === 0 ? (['plain', 'rxnet'] as const) : (['rxnet', 'plain'] as const);
      for (const kind of order) {
        samples[kind].push(await roundTripP50(kind === 'plain' ? plainEchoPort : rxEcho, options.roundTrips));
        samples[kind === 'plain' ? 'plainMiB' : 'rxnetMiB'].push(await throughput(kind === 'plain' ? plainSinkPort : rxSink, options.mebibytes));
      }
    }
    const round1 = (n: number): number => Math.round(n * 10) / 10;
    const p50Micros = { direct: round1(median(samples.direct)), plain: round1(median(samples.plain)), rxnet: round1(median(samples.rxnet)) };
    const throughputMiBps = { plain: Math.round(median(samples.plainMiB)), rxnet: Math.round(median(samples.rxnetMiB)) };
    return {
      runs: options.runs,
      p50Micros,
      addedP50Micros: round1(p50Micros.rxnet - p50Micros.direct),
      throughputMiBps,
      throughputRatio: Math.round((median(samples.rxnetMiB) / median(samples.plainMiB)) * 100) / 100,
    };
  } finally {
    await api.close();
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, mebibytes: { type: 'string', default: '200' }, 'round-trips': { type: 'string', default: '3000' } } });
  const result = await measureProxies({ runs: Number(values.runs), mebibytes: Number(values.mebibytes), roundTrips: Number(values['round-trips']) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
