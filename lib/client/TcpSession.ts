import { Observable, Subscription, type SchedulerLike, type Subscriber } from 'rxjs';
import { RxnetClosedError, RxnetConnectionError, RxnetProtocolError, isProtocolError, type RxnetError } from '../errors.js';
import { isOverlong, type Frame } from '../framing/Frame.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import { checkRequestLine } from './checkRequestLine.js';
import { replyFrames, type ReplyFraming, type ReplyTermination } from './replyFrames.js';

/**
 * In `line` framing, how long bytes without a newline may sit quiet, on a server that has sent
 * this client no newline yet, before the session is dropped with a hint at `chunk` framing.
 * Longer than a reply split by a slow network usually pauses; shorter than the CLI's 1 s timeout.
 */
export const DEFAULT_STALL_TIMEOUT = 500;

/** Options of a {@link TcpSession}. */
export interface TcpSessionOptions {
  /** Where the connection goes, e.g. `tcp://127.0.0.1:9000`, for messages. */
  readonly address: string;
  /** The longest reply, in bytes, without its newline. */
  readonly maxReplyLength: number;
  /**
   * `line` (the default): only newline-terminated replies. `chunk` (the original seed server, which
   * sends no newline): unterminated bytes are also one reply after `replyGap` ms of quiet while
   * one request is outstanding, until the server sends a newline (see replyFrames).
   */
  readonly framing?: ReplyFraming;
  /** `chunk` only: the quiet gap, in ms, after which unterminated bytes are a reply; 0 disables. */
  readonly replyGap: number;
  /**
   * `line` only: unterminated bytes quiet this long, before the server has sent any newline, drop
   * the session: its requests fail with a transient RxnetConnectionError that suggests `chunk`.
   * They are never an answer. Defaults to DEFAULT_STALL_TIMEOUT (500 ms); 0 waits for ever.
   */
  readonly stallTimeout?: number;
  /** Where the quiet gap and the stall timeout are timed. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** True when a reply text is well formed; anything else is an RxnetProtocolError. */
  readonly isReply: (text: string) => boolean;
  /** What the client knows of its server's reply termination, shared by its sessions (see replyFrames). */
  readonly termination?: ReplyTermination;
}

/** What a {@link TcpSession} tells its owner. */
export interface TcpSessionHooks {
  /** A reply arrived, so one slot of the pipelining window is free. */
  readonly onSlotFreed?: (session: TcpSession) => void;
  /** The session has ended (before its outstanding requests are errored with `reason`). */
  readonly onEnd?: (session: TcpSession, reason: RxnetError) => void;
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
interface Slot {
  subscriber: Subscriber<string> | undefined;
}

/**
 * One TCP connection carrying many pipelined requests, with its own reply buffer. Replies are
 * matched to requests in FIFO order, framed by {@link replyFrames}: newline-terminated lines, or
 * in `chunk` framing (seed server) unterminated bytes after a quiet gap while only one request is
 * outstanding. In `line` framing unterminated bytes are never a reply, however long they wait.
 *
 * Matching rules, which keep a reply from ever reaching the wrong request:
 * - a cancelled request keeps its FIFO slot; its reply is discarded when it comes;
 * - a reply can only answer a request written before the chunk carrying it arrived: a reply with
 *   no such request outstanding means the stream is out of step, and the session ends;
 * - a reply that is overlong or fails `isReply` errors its request with an RxnetProtocolError and
 *   ends the session (the stream can no longer be trusted);
 * - in `line` framing, bytes without a newline that stay quiet for `stallTimeout`, on a server
 *   that has sent no newline yet, end the session with a transient RxnetConnectionError: `No
 *   newline-terminated reply from … : "200,42" then nothing for 500 ms (an original seed server?
 *   use framing chunk, --framing chunk on the CLI)`;
 * - when the session ends (peer closed, reset, out of step, destroyed) every outstanding request
 *   errors: a transient RxnetConnectionError (with `syscallCode` when known), or the reason given
 *   to {@link TcpSession.destroy}.
 *
 * The session subscribes to the connection's bytes when created, before any request is written.
 *
 * Example:
 * ```ts
 * const session = new TcpSession(connection, { address, maxReplyLength: 1024, replyGap: 20, isReply: () => true });
 * const seed = new TcpSession(connection, { address, maxReplyLength: 1024, framing: 'chunk', replyGap: 20, isReply: () => true });
 * session.request('+,1,1').subscribe(console.log); // 200,2
 * ```
 */
export class TcpSession implements TcpSessionInfo {
  readonly id: number;
  requestCount = 0;
  replyCount = 0;
  private slots: Slot[] = [];
  private live = 0;
  private ended: RxnetError | undefined;
  private readonly subscription = new Subscription();
  private readonly where: string;

  constructor(
    private readonly connection: TcpConnection,
    private readonly options: TcpSessionOptions,
    private readonly hooks: TcpSessionHooks = {},
  ) {
    this.id = connection.id;
    this.where = `${options.address} (session ${connection.id})`;
    const frames$ = connection.data$.pipe(
      replyFrames({
        maxLength: options.maxReplyLength,
        framing: options.framing ?? 'line',
        gapMs: options.replyGap,
        mayTakeUnterminated: () => this.slots.length <= 1,
        stallMs: options.stallTimeout ?? DEFAULT_STALL_TIMEOUT,
        termination: options.termination,
        scheduler: options.scheduler,
      }),
    );
    // Added to a container: if the bytes end synchronously, end() has already closed it.
    this.subscription.add(frames$.subscribe({
      next: (frames) => this.onFrames(frames),
      // replyFrames errors with an RxnetProtocolError only for a stall; anything else is the socket's.
      error: (err: unknown) => this.end(isProtocolError(err) ? this.stalledError(err) : this.brokenError(err)),
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
   * Sends `line` + `\n` on subscribe and emits the reply text (without newline), then completes.
   * Unsubscribing cancels: the slot is kept and the reply discarded. No window is enforced here.
   */
  request(line: string): Observable<string> {
    return new Observable<string>((subscriber) => {
      const invalid = checkRequestLine(line);
      if (invalid !== undefined || this.ended !== undefined) {
        subscriber.error(invalid ?? this.ended);
        return undefined;
      }
      const slot: Slot = { subscriber };
      this.slots.push(slot);
      this.live += 1;
      this.requestCount += 1;
      this.connection.send(`${line}\n`);
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

  private onFrames(frames: readonly Frame[]): void {
    // Only requests written before these bytes arrived can be answered by them.
    const answerable = this.slots.length;
    for (let index = 0; index < frames.length && this.ended === undefined; index += 1) {
      if (index >= answerable) {
        this.end(new RxnetConnectionError(`Connection to ${this.where} was dropped: a reply came with no request outstanding`, { address: this.options.address }));
        return;
      }
      this.deliver(this.slots.shift() as Slot, frames[index] as Frame);
    }
  }

  private deliver(slot: Slot, frame: Frame): void {
    const subscriber = slot.subscriber;
    if (subscriber !== undefined) {
      slot.subscriber = undefined;
      this.live -= 1;
    }
    this.replyCount += 1;
    if (isOverlong(frame) || !this.options.isReply(frame)) {
      const invalid = isOverlong(frame)
        ? new RxnetProtocolError(`Reply from ${this.where} is longer than ${frame.limit} bytes`, { received: '' })
        : new RxnetProtocolError(`Invalid reply from ${this.where}: ${JSON.stringify(frame.slice(0, 40))}`, { received: frame });
      this.end(
        new RxnetConnectionError(`Connection to ${this.where} was dropped after an invalid reply`, { address: this.options.address }),
        subscriber === undefined ? undefined : () => subscriber.error(invalid),
      );
      return;
    }
    subscriber?.next(frame);
    subscriber?.complete();
    this.hooks.onSlotFreed?.(this);
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

  private stalledError(err: RxnetProtocolError): RxnetConnectionError {
    const stall = this.options.stallTimeout ?? DEFAULT_STALL_TIMEOUT;
    const received = JSON.stringify(err.info.received.slice(0, 40));
    return new RxnetConnectionError(
      `No newline-terminated reply from ${this.where}: ${received} then nothing for ${stall} ms (an original seed server? use framing chunk, --framing chunk on the CLI)`,
      { address: this.options.address },
      { cause: err },
    );
  }

  private brokenError(err: unknown): RxnetConnectionError {
    const code = (err as { code?: unknown } | null)?.code;
    const syscallCode = typeof code === 'string' ? code : undefined;
    const detail = syscallCode ?? (err instanceof Error ? err.message : String(err));
    const info = syscallCode === undefined ? { address: this.options.address } : { address: this.options.address, syscallCode };
    return new RxnetConnectionError(`Connection to ${this.where} broke: ${detail}`, info, { cause: err });
  }
}
