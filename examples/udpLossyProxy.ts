/**
 * A two-hop pipeline: client -> proxy -> server over UDP, where the proxy drops every n-th request
 * datagram (a deterministic pattern, so a run is repeatable) and delays the rest, both ways. Built
 * from the two UDP transports: `bindUdp` (where clients send) and `openUdp` (one socket towards
 * the server per forwarded datagram, so each reply finds its way back to its own client).
 *
 *   node cli/server.js --udp &                                                           a server on :9000
 *   node dist/examples/udpLossyProxy.js [--port 9001] [--upstream 9000] [--drop-every 3] [--delay 50]
 *   node cli/client.js --udp --port 9001 --expb --timeout 0.2 +,1,1                     through the proxy
 *   node dist/examples/udpLossyProxy.js --demo        server, proxy and client in one process, then exit
 *
 * One reply per request datagram, as in the calc protocol. A proxy for protocols that send several
 * replies would keep one upstream socket per client instead (`groupBy` on the sender).
 */
import { parseArgs } from 'node:util';
import {
  catchError,
  defer,
  delay,
  EMPTY,
  filter,
  firstValueFrom,
  forkJoin,
  ignoreElements,
  map,
  merge,
  mergeMap,
  take,
  tap,
  timeout,
  switchMap,
  type MonoTypeOperatorFunction,
  type Observable,
} from 'rxjs';
import { bindUdp, createCalcClient, formatAddress, openUdp, startServer, type Datagram, type SocketAddress } from '../lib/index.js';

interface ProxyOptions {
  /** Where clients send; 0 picks a free port. */
  readonly port: number;
  /** The server behind the proxy. */
  readonly upstream: { readonly host: string; readonly port: number };
  /** Drop the n-th, 2n-th... request datagram; 0 drops none. */
  readonly dropEvery: number;
  /** Added to each hop, towards the server and back, in ms. */
  readonly delayMs: number;
  /** How long to wait for the server's reply to one datagram, in ms. */
  readonly replyTimeoutMs: number;
  readonly onListening?: (address: SocketAddress) => void;
}

/** What the proxy did, for the demo's report. */
const stats = { received: 0, forwarded: 0, replied: 0 };

/** A custom drop rule, from public RxJS only: drops the n-th, 2n-th... value of each subscription. */
function dropEvery<T>(n: number): MonoTypeOperatorFunction<T> {
  return (source) =>
    defer(() => {
      let seen = 0;
      return source.pipe(filter(() => n === 0 || ++seen % n !== 0));
    });
}

/** The proxy: unsubscribing closes its socket and every upstream socket still waiting. */
function udpProxy(options: ProxyOptions): Observable<never> {
  return bindUdp({ host: '127.0.0.1', port: options.port, onListening: options.onListening }).pipe(
    tap(() => (stats.received += 1)),
    dropEvery(options.dropEvery),
    delay(options.delayMs),
    mergeMap((datagram) => forward(datagram, options)),
  );
}

/** Sends one datagram on to the server from a fresh socket and relays the first reply back, delayed. */
function forward(datagram: Datagram, options: ProxyOptions): Observable<never> {
  return openUdp(options.upstream).pipe(
    // Listen before sending, so a fast reply cannot be missed.
    switchMap((upstream) =>
      merge(
        upstream.messages$,
        defer(() => {
          upstream.send(datagram.data);
          stats.forwarded += 1;
          return EMPTY;
        }),
      ),
    ),
    take(1), // the reply: done with the upstream socket, which closes here
    timeout({ first: options.replyTimeoutMs, with: () => EMPTY }), // no reply: give up quietly, like a drop
    delay(options.delayMs),
    tap((reply) => {
      stats.replied += 1;
      datagram.reply(reply);
    }),
    ignoreElements(),
    catchError(() => EMPTY), // the server's port is unreachable: this datagram goes unanswered
  );
}

async function demo(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error('demo: no result within 5 s');
    process.exit(1);
  }, 5000);
  await using server = await startServer({ transport: 'udp', host: '127.0.0.1', port: 0 });
  let bound!: (address: SocketAddress) => void;
  const listening = new Promise<SocketAddress>((resolve) => (bound = resolve));
  const options = { port: 0, upstream: { host: '127.0.0.1', port: server.address.port }, dropEvery: 3, delayMs: 20, replyTimeoutMs: 1000 };
  const proxy = udpProxy({ ...options, onListening: bound }).subscribe();
  const proxyAddress = await listening;
  console.log(`client -> proxy ${formatAddress(proxyAddress)} (drops every 3rd datagram, +20 ms each way) -> server ${formatAddress(server.address)}`);

  // The client retries what the proxy drops: wait 150 ms, then 300, 600, 1200.
  await using client = createCalcClient({ transport: 'udp', port: proxyAddress.port, retry: { initial: 150, max: 1200 } });
  const timed = (line: string) =>
    defer(() => {
      const started = performance.now();
      return client.request(line).pipe(map((reply) => ({ line, text: reply.text, ms: performance.now() - started })));
    });
  const answers = await firstValueFrom(forkJoin(Array.from({ length: 10 }, (_, index) => timed(`-,${index + 10},1`))));
  for (const answer of answers) console.log(`${answer.line} -> ${answer.text}`);
  const fastest = Math.min(...answers.map((answer) => answer.ms));
  console.log(`answered ${answers.length}/10; fastest round trip ${Math.floor(fastest)} ms (at least 40 ms: two delayed hops)`);
  console.log(`proxy: ${stats.received} datagrams in, ${stats.received - stats.forwarded} dropped, ${stats.forwarded} forwarded, ${stats.replied} replies relayed`);
  proxy.unsubscribe();
  clearTimeout(watchdog);
}

function serve(options: ProxyOptions): void {
  const proxy = udpProxy({ ...options, onListening: (address) => console.log(`listening udp ${formatAddress(address)}`) }).subscribe({
    error: (err: unknown) => {
      console.error(`cannot listen: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  });
  const stop = (): void => proxy.unsubscribe();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const { values } = parseArgs({
  options: {
    demo: { type: 'boolean' },
    port: { type: 'string', default: '9001' },
    upstream: { type: 'string', default: '9000' },
    'drop-every': { type: 'string', default: '3' },
    delay: { type: 'string', default: '50' },
  },
});
if (values.demo === true) await demo();
else {
  serve({
    port: Number(values.port),
    upstream: { host: '127.0.0.1', port: Number(values.upstream) },
    dropEvery: Number(values['drop-every']),
    delayMs: Number(values.delay),
    replyTimeoutMs: 2000,
  });
}
