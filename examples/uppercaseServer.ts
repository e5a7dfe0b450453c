/**
 * An uppercase line server: a different line protocol on rxnet's TCP transport and line framing.
 * Every line a client sends comes back in upper case, on the same connection, in order.
 *
 *   node dist/examples/uppercaseServer.js [--port 7001]   serve until Ctrl-C
 *   node dist/examples/uppercaseServer.js --demo          serve on a free port, talk to itself, exit
 *
 * Try it: `printf 'hello\nworld\n' | nc -q1 127.0.0.1 7001`.
 *
 * Built from the transport (`listenTcp`) and the framing operator (`splitLines`) directly, to show
 * the three things a hand-written server owes each connection; `serveTcp(options, pipeline)` does
 * them for you (see tenLineServer.ts for the shortest form).
 */
import { parseArgs } from 'node:util';
import { catchError, defer, EMPTY, finalize, ignoreElements, lastValueFrom, map, merge, mergeMap, Observable, switchMap, tap, toArray } from 'rxjs';
import { connectTcp, formatAddress, isOverlong, listenTcp, splitLines, type Frame, type SocketAddress, type TcpConnection } from '../lib/index.js';

/** The protocol: one reply per line. A line over the limit was discarded unread; say so. */
function reply(frame: Frame): string {
  return isOverlong(frame) ? `ERROR line longer than ${frame.limit} bytes` : frame.toUpperCase();
}

/** Serves one connection until the client ends its side. */
function serveConnection(connection: TcpConnection): Observable<never> {
  return connection.data$.pipe(
    splitLines({ maxLineLength: 1024 }), // bytes -> lines, across chunk boundaries
    map(reply),
    tap((text) => connection.send(`${text}\n`)),
    ignoreElements(),
    // 1. The client ended its side (data$ completed): end ours, after the replies already written.
    finalize(() => connection.end()),
    // 2. A reset (ECONNRESET) errors this connection's data$: end this connection, not the server.
    //    Without this, one broken client would error listenTcp's stream and close every connection.
    catchError(() => EMPTY),
  );
}

/** The server: every accepted connection served at once (mergeMap). Unsubscribing closes it all (3.). */
function uppercaseServer(port: number, onListening: (address: SocketAddress) => void): Observable<never> {
  return listenTcp({ host: '127.0.0.1', port, onListening }).pipe(mergeMap(serveConnection));
}

/** A client for the demo: listen first, then write, end our side, and collect every reply line. */
function exchange(port: number, lines: readonly string[]): Promise<Frame[]> {
  return lastValueFrom(
    connectTcp({ port }).pipe(
      switchMap((connection) =>
        merge(
          connection.data$.pipe(splitLines()),
          defer(() => {
            connection.send(lines.map((line) => `${line}\n`).join(''));
            connection.end();
            return EMPTY;
          }),
        ),
      ),
      toArray(),
    ),
  );
}

async function demo(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error('demo: no result within 5 s');
    process.exit(1);
  }, 5000);
  let bound!: (address: SocketAddress) => void;
  const listening = new Promise<SocketAddress>((resolve) => (bound = resolve));
  const server = uppercaseServer(0, bound).subscribe({ error: (err: unknown) => console.error('server failed:', err) });
  const address = await listening;
  console.log(`uppercase server on ${formatAddress(address)}`);
  const sent = ['hello', 'reactive world', 'x'.repeat(2000)];
  const replies = await exchange(address.port, sent);
  sent.forEach((line, index) => console.log(`${line.length > 20 ? `${line.slice(0, 17)}...` : line} -> ${String(replies[index])}`));
  server.unsubscribe(); // closes the listening socket and every connection
  clearTimeout(watchdog);
}

function serve(port: number): void {
  const server = uppercaseServer(port, (address) => console.log(`listening tcp ${formatAddress(address)}`)).subscribe({
    error: (err: unknown) => {
      console.error(`cannot listen: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  });
  const stop = (): void => server.unsubscribe(); // nothing is left open: node exits by itself
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const { values } = parseArgs({ options: { demo: { type: 'boolean' }, port: { type: 'string', default: '7001' } } });
if (values.demo === true) await demo();
else serve(Number(values.port));
