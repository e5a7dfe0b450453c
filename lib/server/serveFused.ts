import { Observable, of, type Observer, type Subscriber, type Subscription } from 'rxjs';
import type { Frame } from '../framing/Frame.js';
import type { FrameSink } from '../framing/FrameSink.js';
import { sendNow, type TcpConnection, type TextEncoding } from '../transport/TcpConnection.js';
import { countUntilClosed, type ClosedListener } from './connectionLifetime.js';
import { CUT, type FusedStep } from './fusedStep.js';
import type { ServerStats } from './ServerStats.js';
import type { StopRegistry } from './StopRegistry.js';

/** A framer run by hand: the frames one read completes, and those left at the end. */
export interface FrameDecoder {
  push(chunk: Uint8Array): Frame[];
  end(): Frame[];
  /** Where the framer has it (LineDecoder): push's frames handed to `sink` one by one, with no array. */
  pushTo?(chunk: Uint8Array, sink: FrameSink<Frame>): void;
}

/**
 * One read in this many is timed (a power of two): a latency sample costs two clock reads and
 * two histogram records, so timing every read would cost per read what plain Node does not pay.
 * At saturation that is still hundreds of samples a second; at low rates, a sample every 64th read.
 * 64 as UDP's 1 datagram in 64: at 16, prom-client's `observe` (it validates and hashes its labels
 * on each call) and the clock reads cost about 2 % of the TCP 64x32 throughput (docs/performance.md).
 */
export const TIMED_READ_EVERY = 64;
/** The start time of a read that is not timed. */
const NOT_TIMED = -1;

/** What {@link serveFused} needs of serveTcp's options. */
export interface ServeFusedOptions {
  readonly onConnection?: (connection: TcpConnection) => void;
  readonly onConnectionError?: (err: unknown, connection: TcpConnection) => void;
  /** How a read's joined replies are written: `latin1` only for a step that promised ASCII replies. Defaults to `utf8`. */
  readonly replyEncoding?: TextEncoding;
}

/**
 * Serves every connection of `connections$` with a fused step (internal to serveTcp): counts each
 * open until it closes, then each read slice is framed, every frame run through `step`, and the
 * replies joined into one send, all synchronously. So nothing is in flight once a read is handled
 * (maxInFlight never holds reading), backpressure and the fair read budget work as for any
 * pipeline (they act on reads), a {@link CUT} sends the replies before it and ends the
 * connection, and a graceful stop (`stops`) answers every byte already read. Latency is recorded
 * once per read (the time its replies took), for each of its replies. Completes once
 * `connections$` has and every connection has closed; unsubscribing stops serving them all and
 * disposes `stops`. A connection served costs one object and no closure (not an inner
 * subscription each, as with mergeMap).
 *
 * Example: `serveFused(listenTcp(options), () => new LineDecoder(), step, new StopRegistry(stop$), options, stats)`
 */
export function serveFused(
  connections$: Observable<TcpConnection>,
  makeDecoder: () => FrameDecoder,
  step: FusedStep,
  stops: StopRegistry,
  options: ServeFusedOptions,
  stats: ServerStats,
): Observable<never> {
  return new Observable<never>((subscriber) => {
    const server = new FusedServer(subscriber, makeDecoder, step, stops, options, stats);
    const source = connections$.subscribe({
      next: (connection) => server.serve(connection),
      error: (err: unknown) => subscriber.error(err),
      complete: () => server.sourceComplete(),
    });
    return () => {
      source.unsubscribe();
      server.close();
    };
  });
}

/** The connections served by one subscription of serveFused. */
class FusedServer {
  /** Connections served whose socket has not closed yet. */
  readonly served = new Set<FusedConnection>();
  private sourceDone = false;
  /** A graceful stop was asked: connections still arriving stop at once. */
  private stopped = false;
  private forgetStop: (() => void) | undefined;
  /** Counts reads, to time one in {@link TIMED_READ_EVERY}. */
  private reads = 0;

  constructor(
    private readonly subscriber: Subscriber<never>,
    readonly makeDecoder: () => FrameDecoder,
    readonly step: FusedStep,
    private readonly stops: StopRegistry,
    readonly options: ServeFusedOptions,
    readonly stats: ServerStats,
  ) {}

  serve(connection: TcpConnection): void {
    const served = new FusedConnection(this, connection);
    this.served.add(served);
    served.start();
    // One registration for all the connections, made at the first one (after the listener subscribed to stop$).
    this.forgetStop ??= this.stops.add(() => this.stopAll());
    if (this.stopped) served.stop();
  }

  /** True for one read in {@link TIMED_READ_EVERY} (the first included), across all connections: that read is a latency sample. */
  timeThisRead(): boolean {
    this.reads = (this.reads + 1) & (TIMED_READ_EVERY - 1);
    return this.reads === 1;
  }

  sourceComplete(): void {
    this.sourceDone = true;
    this.completeIfDone();
  }

  /** `connection`'s socket has closed. */
  closed(connection: FusedConnection): void {
    this.served.delete(connection);
    this.completeIfDone();
  }

  /** The teardown: stops serving every connection (they are destroyed by the listener's teardown). */
  close(): void {
    for (const connection of this.served) connection.stopServing();
    this.forgetStop?.();
    this.stops.dispose();
  }

  private stopAll(): void {
    this.stopped = true;
    for (const connection of [...this.served]) connection.stop();
  }

  private completeIfDone(): void {
    if (this.sourceDone && this.served.size === 0) this.subscriber.complete();
  }
}

/**
 * One connection served: the observer of its data$, told when its socket closes, and the sink of
 * each read's frames (its methods on the prototype).
 */
class FusedConnection implements Observer<Buffer>, ClosedListener, FrameSink<Frame> {
  private readonly step: FusedStep;
  private readonly stats: ServerStats;
  /** Made at the first read: an idle connection holds none. */
  private decoder: FrameDecoder | undefined;
  /** The replies of the read being answered, joined (each with its `\n`), and how many. */
  private out = '';
  private replies = 0;
  /** A step of the read being answered cut the connection: its later frames go unanswered. */
  private cut = false;
  private done = false;
  private reading: Subscription | undefined;
  private stopping: Subscription | undefined;

  constructor(
    private readonly server: FusedServer,
    private readonly connection: TcpConnection,
  ) {
    this.step = server.step;
    this.stats = server.stats;
  }

  start(): void {
    countUntilClosed(this.connection, this.server.options, this.stats, this);
    const reading = this.connection.data$.subscribe(this);
    if (this.done) reading.unsubscribe();
    else this.reading = reading;
  }

  next(chunk: Buffer): void {
    if (this.done) return;
    const started = this.server.timeThisRead() ? performance.now() : NOT_TIMED;
    try {
      const decoder = (this.decoder ??= this.server.makeDecoder());
      if (decoder.pushTo !== undefined) decoder.pushTo(chunk, this);
      else this.frames(decoder.push(chunk));
      if (!this.sendReplies(started)) this.finish();
    } catch (err) {
      this.fail(err);
    }
  }

  complete(): void {
    if (this.done) return;
    try {
      if (this.decoder !== undefined) {
        this.frames(this.decoder.end());
        this.sendReplies(NOT_TIMED);
      }
      this.finish();
    } catch (err) {
      this.fail(err);
    }
  }

  error(err: unknown): void {
    this.fail(err);
  }

  /** The socket has closed: the connection is no longer open, and its serving is over. */
  socketClosed(): void {
    this.stats.openConnections -= 1;
    this.server.closed(this);
  }

  /** A graceful stop: the requests end once every byte already read has been answered. */
  stop(): void {
    if (this.done || this.stopping !== undefined) return;
    const stopping = (this.connection.stopReading?.() ?? of(undefined)).subscribe(() => this.finish());
    if (this.done) stopping.unsubscribe();
    else this.stopping = stopping;
  }

  /** Reads no more, and waits for no stop. */
  stopServing(): void {
    this.reading?.unsubscribe();
    this.stopping?.unsubscribe();
  }

  /** One frame of the read being answered, through the step: false once the connection is cut. */
  frame(frame: Frame): boolean {
    const stats = this.stats;
    stats.requests += 1;
    const reply = this.step(frame);
    if (typeof reply === 'string') {
      this.out += `${reply}\n`;
      this.replies += 1;
      return true;
    }
    stats.dropped += 1;
    if (reply !== CUT) return true;
    this.cut = true;
    return false;
  }

  private frames(frames: readonly Frame[]): void {
    for (const frame of frames) if (!this.frame(frame)) return;
  }

  /** Sends the read's replies at once (one write) and counts them; false once the connection is to end (a cut). */
  private sendReplies(started: number): boolean {
    const replies = this.replies;
    const cut = this.cut;
    if (replies > 0) {
      const out = this.out;
      this.out = '';
      this.replies = 0;
      if (started === NOT_TIMED) this.stats.replies += replies;
      else this.stats.repliedMany(replies, (performance.now() - started) * 1000);
      sendNow(this.connection, out, this.server.options.replyEncoding);
    }
    this.cut = false;
    return !cut;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.stopServing();
    this.connection.end();
  }

  private fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.stopServing();
    this.stats.errors += 1;
    this.connection.destroy();
    this.server.options.onConnectionError?.(err, this.connection);
  }
}
