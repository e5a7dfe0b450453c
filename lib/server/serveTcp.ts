import { map, mergeMap, Observable, Subscription, takeUntil, tap, type OperatorFunction } from 'rxjs';
import { chunkCodec } from '../codec/chunkCodec.js';
import type { Codec } from '../codec/Codec.js';
import { lineCodec } from '../codec/lineCodec.js';
import type { Frame } from '../framing/Frame.js';
import { decodeMessage } from '../framing/decodeMessage.js';
import { LineDecoder } from '../framing/LineDecoder.js';
import { listenTcp, type ListenTcpOptions } from '../transport/listenTcp.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import { checkCodecOptions } from '../codec/checkCodecOptions.js';
import { countConnection, servedUntilClosed, stoppedReading } from './connectionLifetime.js';
import { fusedReplyEncoding, fusedStepOf } from './fusedStep.js';
import type { WiretapSettings } from '../observability/wireLogger.js';
import { wiretapConnection } from '../transport/wiretapConnection.js';
import { serveFused, type FrameDecoder } from './serveFused.js';
import type { Framing } from './Framing.js';
import { ServerStats } from './ServerStats.js';
import { StopRegistry } from './StopRegistry.js';

/**
 * The largest slice of a read one connection gets framed and answered at a time; the listener's
 * connections share a budget per turn of the event loop (ReadBudget: 32 KiB just read at once, 8 KiB of waiting bytes).
 */
const READ_SLICE_BYTES = 4096;

/** Options of {@link serveTcp}: `F` is what the codec decodes (the handler's input), `M` what it encodes (the handler's output). */
export interface ServeTcpOptions<F = Frame, M = string> extends ListenTcpOptions {
  /**
   * How requests are framed and replies written: any {@link Codec} (`lengthFieldCodec()`,
   * `delimiterCodec({ delimiter: '\0' })`, your own). A frame the codec cannot decode (a bad
   * length field) ends that connection alone. Defaults to the line codec (`framing` `line`) with
   * `maxLineLength`, or the chunk codec for `framing: 'chunk'`.
   */
  readonly codec?: Codec<F, M>;
  /** Without a `codec` only: `line` (`\n`-terminated requests) or `chunk` (each read is one request). Defaults to `line`. */
  readonly framing?: Framing;
  /** Without a `codec` only: the longest request, in bytes. Defaults to 4096. */
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
 * Serves a request pipeline over TCP: transport + codec + handler. Each connection's bytes are
 * decoded by the codec (`options.codec`, the line codec by default), run through `pipeline`, and
 * each reply is encoded by the codec (a line and its `\n` by default) and written back, in order,
 * on the same connection. The pipeline must
 * answer every request in order until it completes (on TCP a silently dropped reply would make a
 * client take the next reply for it); when it completes (the peer ended, a randomCut, a graceful
 * stop), our side ends once the replies are flushed. A failing connection ends alone.
 * Unsubscribing closes the listener and every connection at once. A pipeline from calcPipeline is
 * run fused: each read is framed and answered synchronously, with one send for its replies
 * (nothing stays in flight, so `maxInFlight` never holds reading); see serveFused.
 *
 * A codec given explicitly always runs the pipeline through RxJS. An encoder that refuses a reply
 * (`ERR_RXNET_UNENCODABLE_FRAME`, a line holding `\n`) fails that connection alone.
 *
 * Example: `serveTcp({ port: 9000 }, calcPipeline()).subscribe()`, or any protocol:
 * `serveTcp({ port: 9000, codec: lengthFieldCodec() }, map((body) => body.reverse())).subscribe()`
 *
 * @throws RxnetInvalidOptionError, at once, for `framing` or `maxLineLength` beside a `codec`.
 * @see serveUdp, calcPipeline, Codec
 */
export function serveTcp(options: ServeTcpOptions, pipeline: OperatorFunction<Frame, string>): Observable<never>;
export function serveTcp<F, M>(options: ServeTcpOptions<F, M> & { readonly codec: Codec<F, M> }, handler: OperatorFunction<F, M>): Observable<never>;
export function serveTcp<F, M>(options: ServeTcpOptions<F, M>, pipeline: OperatorFunction<F, M>): Observable<never> {
  checkCodecOptions(options, ['framing', 'maxLineLength']);
  const stats = options.stats ?? new ServerStats();
  const listen = options.listen ?? listenTcp;
  // Only the default framings run fused: the fused step writes each reply and a `\n`. Without a
  // codec the frames are the default framings' (F is Frame) and the replies text (M is string).
  const framePipeline = pipeline as unknown as OperatorFunction<Frame, string>;
  const step = options.codec === undefined ? fusedStepOf(framePipeline) : undefined;
  const codec = options.codec ?? (defaultCodec(options) as unknown as Codec<F, M>);
  // One subscription to stop$ for all the connections (made at the first one, reset when the
  // server's observable ends); the listener is made now, so a bad option throws here.
  const stops = new StopRegistry(options.stop$);
  const connections$ = listen({
    // A framing whose frames span reads is free to cut them anywhere: slice them for fairness between connections.
    ...(codec.messagePerChunk === true ? {} : { readSliceBytes: READ_SLICE_BYTES }),
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
  if (step === undefined) return tapped$.pipe(mergeMap((connection) => serveConnection(connection, codec, pipeline, options, stats)));
  const fusedOptions = { onConnection: options.onConnection, onConnectionError: options.onConnectionError, replyEncoding: fusedReplyEncoding(framePipeline) };
  return serveFused(tapped$, () => frameDecoder(options), step, stops, fusedOptions, stats);
}

/** The codec of `options.framing` and `maxLineLength`: line (today's `\n`-terminated lines) or chunk. */
function defaultCodec(options: Pick<ServeTcpOptions, 'framing' | 'maxLineLength'>): Codec<Frame, string> {
  return options.framing === 'chunk' ? chunkCodec({ maxLength: options.maxLineLength }) : lineCodec({ maxLineLength: options.maxLineLength });
}

/** The framer of `options.framing`, run by hand (for a fused pipeline). */
function frameDecoder(options: Pick<ServeTcpOptions, 'framing' | 'maxLineLength'>): FrameDecoder {
  if (options.framing !== 'chunk') return new LineDecoder(options.maxLineLength);
  return { push: (chunk) => [decodeMessage(chunk, options.maxLineLength)], end: () => [] };
}

function serveConnection<F, M>(
  connection: TcpConnection,
  codec: Codec<F, M>,
  pipeline: OperatorFunction<F, M>,
  options: ServeTcpOptions<F, M>,
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
      codec.decode,
      takeUntil(stopped$),
      tap(() => {
        stats.requests += 1;
        arrivals.push(performance.now());
        if (arrivals.length >= maxInFlight && releaseHold === undefined) releaseHold = connection.hold();
      }),
      pipeline,
    );
    const subscription = new Subscription();
    const fail = (err: unknown): void => {
      subscription.unsubscribe();
      stats.errors += 1;
      connection.destroy();
      options.onConnectionError?.(err, connection);
    };
    subscription.add(replies.subscribe({
      next: (reply) => {
        let bytes: Uint8Array | string;
        try {
          bytes = codec.encode(reply);
        } catch (err) {
          fail(err);
          return;
        }
        const arrived = arrivals.shift();
        if (arrived !== undefined) stats.replied((performance.now() - arrived) * 1000);
        if (releaseHold !== undefined && arrivals.length < maxInFlight) {
          releaseHold();
          releaseHold = undefined;
        }
        connection.send(bytes);
      },
      complete: () => {
        // Requests the pipeline never answered: the cut of a randomCut and what followed it.
        stats.dropped += arrivals.length;
        arrivals.length = 0;
        releaseHold?.();
        connection.end();
      },
      error: fail,
    }));
    subscription.add(stats.trackInFlight(() => arrivals.length));
    // This connection is served until its socket has closed.
    return servedUntilClosed(connection.socket, subscriber, subscription);
  });
}
