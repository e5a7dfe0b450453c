import { Observable, Subscription, type SchedulerLike, type Subscriber } from 'rxjs';
import {
  isFramingError,
  RxnetClosedError,
  RxnetConnectionError,
  RxnetOutOfStepError,
  RxnetProtocolError,
  syscallCodeOf,
  type RxnetError,
} from '../errors.js';
import { isOverlong } from '../framing/Frame.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import type { ReplyReader } from './ReplyReader.js';

/** Options of a {@link TcpSession}: `Req` is what a request is, `F` what the reply framer yields. */
export interface TcpSessionOptions<Req = unknown, F = unknown> {
  /** Where the connection goes, e.g. `tcp://127.0.0.1:9000`, for messages. */
  readonly address: string;
  /** How replies are framed: `codecReplies(codec)`, or `lineReplies(...)` for the calc client's lines. */
  readonly replies: ReplyReader<F>;
  /** A request's bytes; throwing (an RxnetInvalidRequestError, an RxnetFramingError) refuses it before anything is sent. */
  encode(message: Req): string | Uint8Array;
  /** True when a reply is well formed; anything else is an RxnetProtocolError. Defaults to every reply that is not overlong. */
  isReply?(reply: F): boolean;
  /** Where the reply framer's timers (the quiet gap, the stall timeout) run. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike | undefined;
}

/** What a {@link TcpSession} tells its owner. */
export interface TcpSessionHooks<Req = unknown, F = unknown> {
  /** A reply arrived, so one slot of the pipelining window is free. */
  readonly onSlotFreed?: (session: TcpSession<Req, F>) => void;
  /** The session has ended (before its outstanding requests are errored with `reason`). */
  readonly onEnd?: (session: TcpSession<Req, F>, reason: RxnetError) => void;
}

/** A read-only view of a session. */
export interface TcpSessionInfo {
  /** Unique among the sessions of one client (the seed's "session id"). */
  readonly id: number;
  /** Requests written and not yet answered, cancelled ones included (they keep their slot). */
  readonly inFlight: number;
  /** Requests written, not yet answered and not cancelled. */
  readonly active: number;
  /** Requests written on this session so far. */
  readonly requestCount: number;
  /** Replies received on this session so far (discarded ones included). */
  readonly replyCount: number;
  /** False once the session has ended; it then takes no request. */
  readonly alive: boolean;
}

/** One outstanding request: its subscriber, or undefined once cancelled (the slot stays). */
interface Slot<F> {
  subscriber: Subscriber<F> | undefined;
}

/**
 * One stream connection carrying many pipelined requests, with its own reply buffer. Replies are
 * matched to requests in FIFO order, framed by `options.replies`: any codec (codecReplies), or the
 * calc client's lines (lineReplies: newline-terminated lines, or in `chunk` framing, for the seed
 * server, unterminated bytes after a quiet gap while only one request is outstanding).
 *
 * Matching rules, which keep a reply from ever reaching the wrong request:
 * - a cancelled request keeps its FIFO slot; its reply is discarded when it comes;
 * - a reply can only answer a request written before the chunk carrying it arrived: a reply with
 *   no such request outstanding means the stream is out of step, and the session ends with an
 *   RxnetOutOfStepError (`ERR_RXNET_OUT_OF_STEP`, transient);
 * - a reply that is overlong or fails `isReply` errors its request with an RxnetProtocolError, a
 *   reply the codec cannot decode errors it with its RxnetFramingError, and either ends the
 *   session (the stream can no longer be trusted);
 * - the reply framer may end the session for reasons of its own (lineReplies: bytes without a
 *   newline quiet for its stall timeout, on a server that has sent no newline yet);
 * - when the session ends (peer closed, reset, out of step, destroyed) every outstanding request
 *   errors: a transient RxnetConnectionError (with `syscallCode` when known), or the reason given
 *   to {@link TcpSession.destroy}.
 *
 * The session subscribes to the connection's bytes when created, before any request is written.
 *
 * Example:
 * ```ts
 * const session = new TcpSession(connection, { address, replies: lineReplies({ maxReplyLength: 1024, replyGap: 20 }), encode: encodeRequestLine });
 * const binary = new TcpSession(connection, { address, replies: codecReplies(lengthFieldCodec()), encode: lengthFieldCodec().encode });
 * session.request('+,1,1').subscribe(console.log); // 200,2
 * ```
 */
export class TcpSession<Req = unknown, F = unknown> implements TcpSessionInfo {
  readonly id: number;
  requestCount = 0;
  replyCount = 0;
  private slots: Slot<F>[] = [];
  private live = 0;
  private ended: RxnetError | undefined;
  private readonly subscription = new Subscription();
  private readonly where: string;

  constructor(
    private readonly connection: TcpConnection,
    private readonly options: TcpSessionOptions<Req, F>,
    private readonly hooks: TcpSessionHooks<Req, F> = {},
  ) {
    this.id = connection.id;
    this.where = `${options.address} (session ${connection.id})`;
    const frames$ = connection.data$.pipe(
      options.replies.frames({ mayTakeUnterminated: () => this.slots.length <= 1, scheduler: options.scheduler }),
    );
    // Added to a container: if the bytes end synchronously, end() has already closed it.
    this.subscription.add(frames$.subscribe({
      next: (frames) => this.onFrames(frames),
      error: (err: unknown) => {
        if (isFramingError(err)) this.endAfterInvalid(this.slots.shift(), err);
        else this.end(options.replies.failure?.(err, this.where, options.address) ?? this.brokenError(err));
      },
      complete: () => this.end(new RxnetConnectionError(`Connection to ${this.where} was closed by the server`, { address: options.address })),
    }));
  }

  get inFlight(): number {
    return this.slots.length;
  }

  get active(): number {
    return this.live;
  }

  get alive(): boolean {
    return this.ended === undefined;
  }

  /** Why the session ended, or undefined while alive. */
  get endReason(): RxnetError | undefined {
    return this.ended;
  }

  /**
   * Sends `message`, encoded by `options.encode`, on subscribe and emits its reply (a line
   * without its newline for the calc client), then completes; a message the encoder refuses
   * errors at once, and nothing is sent. Unsubscribing cancels: the slot is kept and the reply
   * discarded. No window is enforced here.
   */
  request(message: Req): Observable<F> {
    return new Observable<F>((subscriber) => {
      let payload: string | Uint8Array;
      try {
        payload = this.options.encode(message);
      } catch (err) {
        subscriber.error(err);
        return undefined;
      }
      return this.send(payload).subscribe(subscriber);
    });
  }

  /** {@link request} for a message already encoded (the client encodes before queueing). */
  send(payload: string | Uint8Array): Observable<F> {
    return new Observable<F>((subscriber) => {
      if (this.ended !== undefined) {
        subscriber.error(this.ended);
        return undefined;
      }
      const slot: Slot<F> = { subscriber };
      this.slots.push(slot);
      this.live += 1;
      this.requestCount += 1;
      this.connection.send(payload);
      return () => {
        if (slot.subscriber === undefined) return;
        slot.subscriber = undefined;
        this.live -= 1;
      };
    });
  }

  /** Ends the session at once: the socket is destroyed and outstanding requests error with `reason`. */
  destroy(reason: RxnetError = new RxnetClosedError({ what: `session ${this.id}` })): void {
    this.end(reason);
  }

  private onFrames(frames: readonly F[]): void {
    // Only requests written before these bytes arrived can be answered by them.
    const answerable = this.slots.length;
    for (let index = 0; index < frames.length && this.ended === undefined; index += 1) {
      if (index >= answerable) {
        this.end(new RxnetOutOfStepError(`Connection to ${this.where} was dropped: a reply came with no request outstanding`, { address: this.options.address }));
        return;
      }
      this.deliver(this.slots.shift() as Slot<F>, frames[index] as F);
    }
  }

  private deliver(slot: Slot<F>, frame: F): void {
    this.replyCount += 1;
    if (isOverlong(frame)) {
      this.endAfterInvalid(slot, new RxnetProtocolError(`Reply from ${this.where} is longer than ${frame.limit} bytes`, { received: '' }));
      return;
    }
    if (this.options.isReply !== undefined && !this.options.isReply(frame)) {
      const text = frameText(frame);
      this.endAfterInvalid(slot, new RxnetProtocolError(`Invalid reply from ${this.where}: ${JSON.stringify(text.slice(0, 40))}`, { received: text }));
      return;
    }
    const subscriber = slot.subscriber;
    if (subscriber !== undefined) {
      slot.subscriber = undefined;
      this.live -= 1;
    }
    subscriber?.next(frame);
    subscriber?.complete();
    this.hooks.onSlotFreed?.(this);
  }

  /** Ends the session after a reply it cannot trust: that reply's request (if still wanted) gets `invalid`, the others a transient error. */
  private endAfterInvalid(slot: Slot<F> | undefined, invalid: RxnetError): void {
    const subscriber = slot?.subscriber;
    if (slot !== undefined && subscriber !== undefined) {
      slot.subscriber = undefined;
      this.live -= 1;
    }
    this.end(
      new RxnetConnectionError(`Connection to ${this.where} was dropped after an invalid reply`, { address: this.options.address }),
      subscriber === undefined ? undefined : () => subscriber.error(invalid),
    );
  }

  /** Marks the session dead, closes it, tells the owner, then errors what was outstanding. */
  private end(reason: RxnetError, first?: () => void): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    this.subscription.unsubscribe();
    this.connection.destroy();
    this.hooks.onEnd?.(this, reason);
    const slots = this.slots;
    this.slots = [];
    this.live = 0;
    first?.();
    for (const slot of slots) {
      const subscriber = slot.subscriber;
      slot.subscriber = undefined;
      subscriber?.error(reason);
    }
  }

  private brokenError(err: unknown): RxnetConnectionError {
    const syscallCode = syscallCodeOf(err);
    const detail = syscallCode ?? (err instanceof Error ? err.message : String(err));
    const info = syscallCode === undefined ? { address: this.options.address } : { address: this.options.address, syscallCode };
    return new RxnetConnectionError(`Connection to ${this.where} broke: ${detail}`, info, { cause: err });
  }
}

/** A reply as text, for an error message: a string as it is, bytes as UTF-8, anything else as JSON. */
function frameText(frame: unknown): string {
  if (typeof frame === 'string') return frame;
  if (frame instanceof Uint8Array) return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('utf8');
  return JSON.stringify(frame) ?? String(frame);
}
