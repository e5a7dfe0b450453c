import { asyncScheduler, defer, Observable, of, retry, switchMap, throwError, timeout, timer, type SchedulerLike } from 'rxjs';
import { RxnetClosedError, RxnetConnectionError, type RxnetError } from '../errors.js';
import { isTlsHandshakeError } from './isTlsHandshakeError.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import { reconnectDelays, replacementBackoff, type ReconnectOptions } from './reconnectDelay.js';
import { TcpSession, type TcpSessionHooks, type TcpSessionOptions } from './TcpSession.js';

/** Options of {@link sessionSlot}. */
export interface SessionSlotOptions {
  /** Opens one connection to the server (see connectEndpoint). */
  readonly connect: (hooks: { readonly id: number; readonly onClosed: () => void }) => Observable<TcpConnection>;
  /** How long one connection attempt may take, in ms. */
  readonly connectTimeout: number;
  readonly reconnect: ReconnectOptions;
  readonly session: TcpSessionOptions;
  readonly hooks: TcpSessionHooks;
  /** The id of the next session. */
  readonly nextId: () => number;
  /** Called when a socket is created, and when it has closed: the owner counts open sockets. */
  readonly onSocketOpened: () => void;
  readonly onSocketClosed: () => void;
  /**
   * Where the connect timeout and the reconnect waits are scheduled (their jitter's random
   * source is `reconnect.random`), and what measures the
   * `elapsedMs` of the final error. Defaults to RxJS's `asyncScheduler` (a TestScheduler in marble tests).
   */
  readonly scheduler?: SchedulerLike;
}

/** Internal: a session that was open has ended, so the slot opens another. */
class SessionEnded extends Error {
  constructor(
    readonly reason: RxnetError,
    /** It answered a request, or was retired on purpose: reconnect at once. */
    readonly productive: boolean,
  ) {
    super(reason.message);
  }
}

/**
 * One place in a client's pool of sessions: connects, emits the open {@link TcpSession}, and
 * when that session ends opens another, for as long as it is subscribed.
 *
 * - A connection that cannot be opened (refused, or not open within `connectTimeout`) is retried
 *   on the {@link reconnectDelay} schedule: by default gRPC's connection backoff (1 s, x1.6,
 *   capped at 120 s, each wait ±20 % at random, never giving up); with `jitter: 0`, exactly
 *   `initial * factor^(n-1)`. When a limit (`max`, `maxAttempts`, `maxElapsed`) gives up, the
 *   observable errors with a final RxnetConnectionError: `Cannot connect to tcp://127.0.0.1:9000 after 6 attempts in
 *   3100 ms: ECONNREFUSED` (`info.final`, `attempts`, `elapsedMs`, `syscallCode`).
 * - A TLS handshake that fails (an untrusted certificate, a server that does not speak TLS) is
 *   final at once, not retried: `TLS handshake with tls://127.0.0.1:9443 failed: self-signed
 *   certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`.
 * - A session that ends after answering at least one request (or was retired) is replaced at
 *   once, and the schedule starts over. One that ends without answering anything (a server
 *   that accepts and hangs up) is replaced after `initial * factor^(n-1)` ms, at most `cap` (and
 *   `max`), jittered as the reconnects are, for its n-th time in a row, so such a server is not
 *   hammered; this never gives up by itself (see replacementBackoff).
 * - Unsubscribing destroys the session (its requests error with an RxnetClosedError) or the
 *   connection attempt, and cancels any wait.
 *
 * ```
 * connect -#-(100ms)-connect ----s1----(s1 ends)-connect--s2---   (s1, s2: sessions; jitter 0)
 * connect -#-(100ms)-connect -#-(200ms)- ... -#                     (max reached: final error)
 * connect -#-(~1s)-connect -#-(~1.6s)-connect -#-(~2.56s)- ...        (the defaults: ±20 % each)
 * ```
 *
 * Example: `sessionSlot(options).subscribe({ next: (session) => pool.add(session), error: giveUp })`
 *
 * @see reconnectDelay, TcpSession, connectEndpoint
 */
export function sessionSlot(options: SessionSlotOptions): Observable<TcpSession> {
  const address = options.session.address;
  const scheduler = options.scheduler ?? asyncScheduler;
  // Replacing a session that answered nothing: the reconnect schedule capped, never giving up.
  const replacement = replacementBackoff(options.reconnect);
  return defer(() => {
    // Each subscription draws its own jitter: two slots of a pool do not reconnect in lockstep.
    const reconnectWait = reconnectDelays(options.reconnect);
    let failures = 0;
    let firstAttemptAt = 0;
    let replacementWaits = replacement[Symbol.iterator]();

    const attempt$ = defer(() => {
      if (failures === 0) firstAttemptAt = scheduler.now();
      options.onSocketOpened();
      return options.connect({ id: options.nextId(), onClosed: options.onSocketClosed }).pipe(
        timeout({ first: options.connectTimeout, scheduler, with: () => throwError(() => connectTimedOut(address)) }),
        switchMap((connection) => {
          failures = 0;
          return runSession(connection, options);
        }),
      );
    });

    return attempt$.pipe(
      retry({
        delay: (err: unknown) => {
          if (err instanceof SessionEnded) {
            if (err.productive) {
              replacementWaits = replacement[Symbol.iterator]();
              return of(0);
            }
            const wait = replacementWaits.next(); // never done: the replacement schedule has no end
            return timer(wait.done === true ? 0 : wait.value, scheduler);
          }
          failures += 1;
          const elapsedMs = scheduler.now() - firstAttemptAt;
          if (isTlsHandshakeError(err)) return throwError(() => handshakeFailed(address, failures, elapsedMs, err));
          const wait = reconnectWait(failures, elapsedMs);
          return wait === undefined ? throwError(() => gaveUp(address, failures, elapsedMs, err)) : timer(wait, scheduler);
        },
      }),
    );
  });
}

/** Emits the session over `connection`; errors with SessionEnded when it ends; destroys it on unsubscribe. */
function runSession(connection: TcpConnection, options: SessionSlotOptions): Observable<TcpSession> {
  return new Observable<TcpSession>((subscriber) => {
    const session = new TcpSession(connection, options.session, {
      onSlotFreed: options.hooks.onSlotFreed,
      onEnd: (ended, reason) => {
        options.hooks.onEnd?.(ended, reason);
        subscriber.error(new SessionEnded(reason, ended.replyCount > 0 || reason instanceof RxnetClosedError));
      },
    });
    subscriber.next(session);
    return () => session.destroy(new RxnetClosedError({ what: `tcp client for ${options.session.address}` }));
  });
}

/** A Node-style system error for a connection attempt that took too long. */
function connectTimedOut(address: string): Error {
  return Object.assign(new Error(`connect ETIMEDOUT ${address}`), { code: 'ETIMEDOUT', syscall: 'connect' });
}

/** The final error at once when the TLS handshake fails: trying again cannot make a certificate trusted. */
function handshakeFailed(address: string, attempts: number, elapsedMs: number, cause: Error & { code: string }): RxnetConnectionError {
  const ms = Math.round(elapsedMs);
  // OpenSSL's own errors carry a multi-line message and a short `reason` ('wrong version number').
  const reason = (cause as { reason?: unknown }).reason;
  const detail = typeof reason === 'string' ? reason : (cause.message.split('\n')[0] ?? cause.code);
  return new RxnetConnectionError(
    `TLS handshake with ${address} failed: ${detail} (${cause.code})`,
    { address, syscallCode: cause.code, attempts, elapsedMs: ms, final: true },
    { cause },
  );
}

/** The final error once the schedule gives up. */
function gaveUp(address: string, attempts: number, elapsedMs: number, cause: unknown): RxnetConnectionError {
  const code = (cause as { code?: unknown } | null)?.code;
  const syscallCode = typeof code === 'string' ? code : undefined;
  const detail = syscallCode ?? (cause instanceof Error ? cause.message : String(cause));
  const ms = Math.round(elapsedMs);
  return new RxnetConnectionError(
    `Cannot connect to ${address} after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${ms} ms: ${detail}`,
    { address, ...(syscallCode === undefined ? {} : { syscallCode }), attempts, elapsedMs: ms, final: true },
    { cause },
  );
}
