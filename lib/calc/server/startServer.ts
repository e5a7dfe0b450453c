import { asyncScheduler, interval, map, ReplaySubject, startWith, takeUntil, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { RxnetConnectionError } from '../../errors.js';
import type { Frame } from '../../framing/Frame.js';
import { listenTcp, type ListenTcpOptions } from '../../transport/listenTcp.js';
import { listenTls } from '../../transport/listenTls.js';
import { formatEndpoint, type SocketAddress } from '../../transport/SocketAddress.js';
import type { TcpConnection } from '../../transport/TcpConnection.js';
import { isStreamTransport } from '../../transport/Transport.js';
import { calcPipeline } from './calcPipeline.js';
import type { WiretapSettings } from '../../observability/wireLogger.js';
import { serveTcp } from '../../server/serveTcp.js';
import { serveUdp } from '../../server/serveUdp.js';
import { resolveServerOptions, type ServerOptions, type Transport } from './serverOptions.js';
import { ServerStats, type LatencyObserver, type ServerStatsSnapshot } from '../../server/ServerStats.js';

/** Options of {@link RunningServer.close}. */
export interface CloseOptions {
  /**
   * How long to wait for a graceful stop: no new connection or datagram is accepted, what was
   * already received is answered, connections end. Whatever is left after it is closed at once.
   * Defaults to 0: close at once.
   */
  readonly graceMs?: number;
}

/** A listening server. */
export interface RunningServer extends AsyncDisposable {
  /** `tcp`, `udp`, `tls` or `unix`. */
  readonly transport: Transport;
  /** The bound address (the real port when 0 was asked for). */
  readonly address: SocketAddress;
  /** The resolved options it runs with. */
  readonly options: Readonly<ServerOptions>;
  /**
   * Stops the server: at once by default, or gracefully within `graceMs`. Resolves when every
   * socket is closed; safe to call any number of times (each call returns the first call's promise).
   */
  close(options?: CloseOptions): Promise<void>;
  /** The counters now. */
  snapshot(): ServerStatsSnapshot;
  /**
   * The counters and latency percentiles as a stream: one snapshot at once, then every
   * `intervalMs` (default 1000) on `scheduler` (default asyncScheduler); it completes when the
   * server has closed, so its timer never keeps the process alive (after close: one snapshot, then complete).
   * Example: `server.stats(1000).subscribe((s) => console.log(s.requests))`
   */
  stats(intervalMs?: number, scheduler?: SchedulerLike): Observable<ServerStatsSnapshot>;
  /**
   * Calls `observer` with each latency sample (µs) behind the percentiles, until the returned
   * function is called: how the metrics' histogram is fed (`counterMetrics({ ..., latency: server })`).
   */
  observeLatency(observer: LatencyObserver): () => void;
}

/** The stream listener for a transport: TLS binds its certificate; TCP and Unix use listenTcp (Unix via `path`). */
function streamListener(options: Readonly<ServerOptions>): (o: ListenTcpOptions) => Observable<TcpConnection> {
  const { cert, key } = options;
  if (options.transport === 'tls' && cert !== undefined && key !== undefined) return (o) => listenTls({ ...o, cert, key });
  return listenTcp;
}

/** Hooks of {@link startServer}, for logging. */
export interface ServerHooks {
  /** Called when one connection or datagram fails; the server goes on. */
  readonly onError?: (err: unknown) => void;
  /** Logs every connection's or datagram's bytes, in and out (`--wiretap text|hex`). */
  readonly wiretap?: WiretapSettings;
}

/**
 * Starts a server: the calc protocol by default, or any pipeline from framed requests to reply
 * texts. Resolves once listening; rejects with an RxnetConnectionError if it cannot listen, or an
 * RxnetInvalidOptionError for a bad option.
 *
 * Example:
 * ```ts
 * const server = await startServer({ transport: 'udp', port: 0, success: 0.5 });
 * console.log(server.address.port);
 * await server.close(); // or `await using server = ...` inside a function, where TypeScript 5.2+ compiles it
 * ```
 *
 * @param options merged over SERVER_DEFAULTS (tcp, 127.0.0.1:9000, success 1, line framing).
 * @param pipeline defaults to `calcPipeline(options)`.
 * @see calcPipeline, serveTcp, serveUdp
 */
export function startServer(
  options: Partial<ServerOptions> = {},
  pipeline?: OperatorFunction<Frame, string>,
  hooks: ServerHooks = {},
): Promise<RunningServer> {
  let resolved: Readonly<ServerOptions>;
  try {
    resolved = resolveServerOptions(options);
  } catch (err) {
    return Promise.reject(err);
  }
  const stats = new ServerStats();
  const replies = pipeline ?? calcPipeline({ ...resolved, stats });
  const stop$ = new ReplaySubject<void>(1);
  /** Emits (and replays) once every socket is closed: what the server hands out completes on it. */
  const closed$ = new ReplaySubject<void>(1);
  return new Promise<RunningServer>((resolve, reject) => {
    let markClosed: () => void = () => {};
    const closed = new Promise<void>((done) => {
      markClosed = () => {
        closed$.next();
        closed$.complete();
        done();
      };
    });
    let markDrained: () => void = () => {};
    const drained = new Promise<void>((done) => {
      markDrained = done;
    });
    let closing: Promise<void> | undefined;
    const stop = async (graceMs: number): Promise<void> => {
      if (graceMs > 0) {
        stop$.next();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([drained, new Promise<void>((done) => (timer = setTimeout(done, graceMs)))]);
        clearTimeout(timer);
      }
      subscription.unsubscribe();
      await closed;
    };
    const close = (closeOptions: CloseOptions = {}): Promise<void> => (closing ??= stop(closeOptions.graceMs ?? 0));
    const serveOptions = {
      ...resolved,
      stats,
      stop$,
      onClosed: () => markClosed(),
      onListening: (address: SocketAddress) =>
        resolve({
          transport: resolved.transport,
          address,
          options: resolved,
          close,
          [Symbol.asyncDispose]: () => close(),
          snapshot: () => stats.snapshot(),
          observeLatency: (observer) => stats.observeLatency(observer),
          stats: (intervalMs = 1000, scheduler: SchedulerLike = asyncScheduler) =>
            interval(intervalMs, scheduler).pipe(
              takeUntil(closed$),
              startWith(0),
              map(() => stats.snapshot()),
            ),
        }),
      ...(hooks.wiretap === undefined ? {} : { wiretap: hooks.wiretap }),
      onConnectionError: (err: unknown) => hooks.onError?.(err),
      onDatagramError: (err: unknown) => hooks.onError?.(err),
      onSendError: (err: unknown) => {
        stats.errors += 1;
        hooks.onError?.(err);
      },
    };
    const server$: Observable<never> = isStreamTransport(resolved.transport)
      ? serveTcp({ ...serveOptions, listen: streamListener(resolved) }, replies)
      : serveUdp(serveOptions, replies);
    const subscription = server$.subscribe({
      complete: () => markDrained(),
      error: (err: unknown) => {
        const code = (err as { code?: string }).code;
        const where = formatEndpoint(resolved);
        reject(
          new RxnetConnectionError(
            `Cannot listen on ${where}: ${err instanceof Error ? err.message : String(err)}`,
            code === undefined ? { address: where } : { address: where, syscallCode: code },
            { cause: err },
          ),
        );
      },
    });
  });
}
