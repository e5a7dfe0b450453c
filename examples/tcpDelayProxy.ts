/**
 * A two-hop pipeline over TCP: client -> proxy -> server, where the proxy delays every chunk by a
 * fixed time in each direction (a slow link). Built from the two TCP transports: `listenTcp` for
 * the clients and one `connectTcp` to the server per client. Bytes are copied as they are, so it
 * works for any protocol; order is kept because every chunk gets the same delay.
 *
 *   node cli/server.js &                                                        a server on :9000
 *   node dist/examples/tcpDelayProxy.js [--port 9002] [--upstream 9000] [--delay 100]
 *   node cli/client.js --port 9002 +,1,1                                        through the proxy
 *   node dist/examples/tcpDelayProxy.js --demo     server, proxy and client in one process, then exit
 *
 * It does not drop: on TCP a lost reply would put every later reply on the wrong request (the calc
 * server ends the connection instead, see randomCut); udpLossyProxy.ts drops.
 */
import { parseArgs } from 'node:util';
import { catchError, concatMap, defer, delay, EMPTY, ignoreElements, lastValueFrom, map, merge, mergeMap, range, tap, toArray, type Observable } from 'rxjs';
import { connectTcp, createCalcClient, formatAddress, listenTcp, startServer, type SocketAddress, type TcpConnection } from '../lib/index.js';

interface ProxyOptions {
  readonly port: number;
  readonly upstream: { readonly host: string; readonly port: number };
  /** Added to every chunk, each way, in ms. */
  readonly delayMs: number;
  readonly onListening?: (address: SocketAddress) => void;
}

/** Copies `from`'s bytes to `to`, each chunk `delayMs` later; when `from` ends its side, ends `to`'s. */
function pump(from: TcpConnection, to: TcpConnection, delayMs: number): Observable<never> {
  return from.data$.pipe(
    delay(delayMs), // a completion waits for the chunks still delayed
    tap({ next: (chunk) => to.send(chunk), complete: () => to.end() }),
    ignoreElements(),
  );
}

/** The proxy: one upstream connection per client, torn down together. */
function tcpDelayProxy(options: ProxyOptions): Observable<never> {
  return listenTcp({ host: '127.0.0.1', port: options.port, onListening: options.onListening }).pipe(
    mergeMap((client) =>
      connectTcp(options.upstream).pipe(
        mergeMap((server) => merge(pump(client, server, options.delayMs), pump(server, client, options.delayMs))),
        // The server refused, or either side was reset: drop the client too. (Unsubscribing
        // connectTcp has already destroyed the upstream socket.)
        catchError(() => {
          client.destroy();
          return EMPTY;
        }),
      ),
    ),
  );
}

async function demo(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error('demo: no result within 5 s');
    process.exit(1);
  }, 5000);
  const delayMs = 25;
  await using server = await startServer({ transport: 'tcp', host: '127.0.0.1', port: 0 });
  let bound!: (address: SocketAddress) => void;
  const listening = new Promise<SocketAddress>((resolve) => (bound = resolve));
  const proxy = tcpDelayProxy({ port: 0, upstream: { host: '127.0.0.1', port: server.address.port }, delayMs, onListening: bound }).subscribe();
  const proxyAddress = await listening;
  console.log(`client -> proxy ${formatAddress(proxyAddress)} (+${delayMs} ms each way) -> server ${formatAddress(server.address)}`);

  await using client = createCalcClient({ transport: 'tcp', port: proxyAddress.port, retry: { initial: 2000, retry: false } });
  await client.connect();
  // One request after another, each timed on its own.
  const answers = await lastValueFrom(
    range(1, 4).pipe(
      concatMap((i) =>
        defer(() => {
          const started = performance.now();
          return client.request({ op: '^', a: 2, b: i }).pipe(map((reply) => ({ i, text: reply.text, ms: performance.now() - started })));
        }),
      ),
      toArray(),
    ),
  );
  for (const answer of answers) console.log(`^,2,${answer.i} -> ${answer.text}`);
  const fastest = Math.min(...answers.map((answer) => answer.ms));
  console.log(`answered ${answers.length}/4; fastest round trip ${Math.floor(fastest)} ms (at least ${2 * delayMs} ms: two delayed hops)`);
  await client.close();
  proxy.unsubscribe();
  clearTimeout(watchdog);
}

function serve(options: ProxyOptions): void {
  const proxy = tcpDelayProxy({ ...options, onListening: (address) => console.log(`listening tcp ${formatAddress(address)}`) }).subscribe({
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
    port: { type: 'string', default: '9002' },
    upstream: { type: 'string', default: '9000' },
    delay: { type: 'string', default: '100' },
  },
});
if (values.demo === true) await demo();
else serve({ port: Number(values.port), upstream: { host: '127.0.0.1', port: Number(values.upstream) }, delayMs: Number(values.delay) });
