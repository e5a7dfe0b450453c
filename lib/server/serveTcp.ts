import { map, finalize, mergeMap, Observable, takeUntil, tap, type OperatorFunction } from 'rxjs';
import type { Frame } from '../framing/Frame.js';
import { decodeMessage } from '../framing/decodeMessage.js';
import { LineDecoder } from '../framing/LineDecoder.js';
import { splitLines } from '../operators/splitLines.js';
import { splitMessages } from '../operators/splitMessages.js';
import { listenTcp, type ListenTcpOptions } from '../transport/listenTcp.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import { countConnection, servedUntilClosed, stoppedReading } from './connectionLifetime.js';
import { fusedStepOf } from './fusedStep.js';
import { wiretapConnection, type WiretapSettings } from './wiretapConnection.js';
import { serveFused, type FrameDecoder } from './serveFused.js';
import type { Framing } from './serverOptions.js';
import { ServerStats } from './ServerStats.js';
import { StopRegistry } from './StopRegistry.js';

/**
 * The largest slice of a read one connection gets framed and answered at a time; the listener's
 * connections share a budget per turn of the event loop (ReadBudget: 32 KiB just read at once, 8 KiB of waiting bytes).
 */
const READ_SLICE_BYTES = 4096;

/** Options of {@link serveTcp}. */
export interface ServeTcpOptions extends ListenTcpOptions {
  /** `line` (`\n`-terminated requests) or `chunk` (each read is one request). Defaults to `line`. */
  readonly framing?: Framing;
  /** The longest request, in bytes. Defaults to 4096. */
  readonly maxLineLength?: number;
  /** Requests read but not yet answered on one connection before reading pauses. Defaults to no limit. */
  readonly maxInFlight?: number;
  /**
   * A graceful stop: when this emits, no new connection is accepted, each connection stops
   * reading, answers what it already read (whole lines; bytes still waiting for their turn
   * included), and ends; the observable completes once all closed.
   */
  readonly stop$?: Observable<unknown>;
  /** Counters to update (requests, replies, latency, connections...). */
  readonly stats?: ServerStats;
  /**
   * The stream transport to listen with: listenTcp by default; pass listenTls (with its
   * certificate bound) for TLS. Unix sockets are listenTcp with a `path`.
   */
  readonly listen?: (options: ListenTcpOptions) => Observable<TcpConnection>;
  /** Called with each accepted connection before it is served (for socket options, tests). */
  readonly onConnection?: (connection: TcpConnection) => void;
  /** Logs every connection's bytes, in and out (`--wiretap`). Defaults to none, at no cost. */
  readonly wiretap?: WiretapSettings;
  /** Called when one connection fails (`ECONNRESET`, a throwing pipeline...); the server goes on. */
  readonly onConnectionError?: (err: unknown, connection: TcpConnection) => void;
}

/**
 * Serves a request pipeline over TCP: each connection's bytes are framed, run through `pipeline`,
 * and each reply is written back with a `\n`, in order, on the same connection. The pipeline must
 * answer every request in order until it completes (on TCP a silently dropped reply would make a
 * client take the next reply for it); when it completes (the peer ended, a randomCut, a graceful
 * stop), our side ends once the replies are flushed. A failing connection ends alone.
 * Unsubscribing closes the listener and every connection at once. A pipeline from calcPipeline is
 * run fused: each read is framed and answered synchronously, with one send for its replies
 * (nothing stays in flight, so `maxInFlight` never holds reading); see serveFused.
 *
 * Example: `serveTcp({ port: 9000 }, calcPipeline()).subscribe()`
 *
 * @see serveUdp, calcPipeline
 */
export function serveTcp(options: ServeTcpOptions, pipeline: OperatorFunction<Frame, string>): Observable<never> {
  const frame: OperatorFunction<Uint8Array, Frame> =
    options.framing === 'chunk'
      ? splitMessages({ maxLength: options.maxLineLength })
      : splitLines({ maxLineLength: options.maxLineLength });
  const stats = options.stats ?? new ServerStats();
  const listen = options.listen ?? listenTcp;
  const step = fusedStepOf(pipeline);
  // One subscription to stop$ for all the connections (made at the first one, reset when the
  // server's observable ends); the listener is made now, so a bad option throws here.
  const stops = new StopRegistry(options.stop$);
  const connections$ = listen({
    // Line framing is free to cut reads anywhere: slice them for fairness between connections.
    ...(options.framing === 'chunk' ? {} : { readSliceBytes: READ_SLICE_BYTES }),
    ...options,
    stopAccepting$: options.stop$,
    onRefused: () => {
      stats.refusedConnections += 1;
      options.onRefused?.();
    },
    onHandshaking: (count) => {
      stats.handshakingConnections = count;
      options.onHandshaking?.(count);
    },
  });
  const tap = options.wiretap;
  const tapped$ = tap === undefined ? connections$ : connections$.pipe(map((connection) => wiretapConnection(connection, tap)));
  if (step === undefined) return tapped$.pipe(mergeMap((connection) => serveConnection(connection, frame, pipeline, options, stats)));
  return tapped$.pipe(
    mergeMap((connection) => serveFused(connection, () => frameDecoder(options), step, stops, options, stats)),
    finalize(() => stops.dispose()),
  );
}

/** The framer of `options.framing`, run by hand (for a fused pipeline). */
function frameDecoder(options: ServeTcpOptions): FrameDecoder {
  if (options.framing !== 'chunk') return new LineDecoder(options.maxLineLength);
  return { push: (chunk) => [decodeMessage(chunk, options.maxLineLength)], end: () => [] };
}

function serveConnection(
  connection: TcpConnection,
  frame: OperatorFunction<Uint8Array, Frame>,
  pipeline: OperatorFunction<Frame, string>,
  options: ServeTcpOptions,
  stats: ServerStats,
): Observable<never> {
  return new Observable<never>((subscriber) => {
    countConnection(connection, options, stats);
    const maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
    /** Arrival times (ms) of requests read and not yet answered, oldest first. */
    const arrivals: number[] = [];
    let releaseHold: (() => void) | undefined;
    // A graceful stop ends the requests once every byte already read has been framed.
    const stopped$ = stoppedReading(connection, options.stop$);

    const replies = connection.data$.pipe(
      frame,
      takeUntil(stopped$),
      tap(() => {
        stats.requests += 1;
        arrivals.push(performance.now());
        if (arrivals.length >= maxInFlight && releaseHold === undefined) releaseHold = connection.hold();
      }),
      pipeline,
    );
    const subscription = replies.subscribe({
      next: (reply) => {
        const arrived = arrivals.shift();
        if (arrived !== undefined) stats.replied((performance.now() - arrived) * 1000);
        if (releaseHold !== undefined && arrivals.length < maxInFlight) {
          releaseHold();
          releaseHold = undefined;
        }
        connection.send(`${reply}\n`);
      },
      complete: () => {
        // Requests the pipeline never answered: the cut of a randomCut and what followed it.
        stats.dropped += arrivals.length;
        arrivals.length = 0;
        releaseHold?.();
        connection.end();
      },
      error: (err: unknown) => {
        stats.errors += 1;
        connection.destroy();
        options.onConnectionError?.(err, connection);
      },
    });
    subscription.add(stats.trackInFlight(() => arrivals.length));
    // This connection is served until its socket has closed.
    return servedUntilClosed(connection.socket, subscriber, subscription);
  });
}
