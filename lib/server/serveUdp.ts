import { Observable, of, Subscription, type OperatorFunction } from 'rxjs';
import type { Codec } from '../codec/Codec.js';
import type { Frame } from '../framing/Frame.js';
import { decodeMessage } from '../framing/decodeMessage.js';
import { TokenBuckets } from '../timing/TokenBuckets.js';
import { bindUdp, type BindUdpOptions, type Datagram } from '../transport/bindUdp.js';
import { fusedStepOf, type FusedStep } from './fusedStep.js';
import type { WiretapSettings } from '../observability/wireLogger.js';
import { wiretapDatagram } from './wiretapDatagram.js';
import { isLoopbackAddress } from './isLoopbackAddress.js';
import { ServerStats } from './ServerStats.js';
import { checkCodecOptions } from '../codec/checkCodecOptions.js';

/** Options of {@link serveUdp}: `F` is what the codec decodes (the handler's input), `M` what it encodes (the handler's output). */
export interface ServeUdpOptions<F = Frame, M = string> extends BindUdpOptions {
  /**
   * How each datagram is decoded and each reply encoded: any {@link Codec}. A datagram is fed to
   * a fresh decoder and ended, so a frame never spans datagrams and a datagram may carry several;
   * one the codec cannot decode (it ends inside a frame) is counted an error and dropped.
   * Defaults to one message per datagram (a trailing newline allowed, `maxDatagramSize`), each
   * reply written with a trailing `\n`.
   */
  readonly codec?: Codec<F, M>;
  /** Logs every datagram, in and out (`--wiretap`). Defaults to none, at no cost. */
  readonly wiretap?: WiretapSettings;
  /** Without a `codec` only: the longest request datagram, in bytes, without a trailing newline; a longer one gets `300,-1`. Defaults to 4096. */
  readonly maxDatagramSize?: number;
  /**
   * Replies per second allowed to one source address (token bucket); 0 turns the limit off.
   * Loopback sources (127.0.0.0/8, ::1) are never limited: they cannot be forged from another
   * host. Defaults to 0.
   */
  readonly udpRate?: number;
  /** Rate-limit loopback sources too (for tests, or behind a local relay). Defaults to false. */
  readonly udpRateLoopback?: boolean;
  /** The burst one source may get at once. Defaults to twice `udpRate`. */
  readonly udpBurst?: number;
  /** A graceful stop: when this emits, new datagrams are ignored and the observable completes once the ones received are answered. */
  readonly stop$?: Observable<unknown>;
  /** Counters to update. */
  readonly stats?: ServerStats;
  /** Called when the pipeline fails on one datagram; the server goes on. */
  readonly onDatagramError?: (err: unknown, datagram: Datagram) => void;
}

/**
 * Serves a request pipeline over UDP: transport + codec + handler. By default each datagram is
 * one request (a trailing newline allowed), run through `pipeline`, and each reply goes back to
 * the datagram's sender with a trailing `\n`; with a `codec`, each datagram is decoded by it (one
 * frame or several) and each reply encoded by it.
 * Replies to one source address are rate limited when `udpRate` is set (a reply can be several
 * times larger than its request, so an unlimited server could amplify a spoofed flood). A
 * pipeline failure on one datagram is reported and the server goes on. Unsubscribing closes the
 * socket. A pipeline from calcPipeline runs fused: one synchronous step per datagram, no
 * Observable per request (the same replies; latency is sampled, 1 datagram in 64).
 *
 * A pipeline given with a codec always runs through RxJS. Stats count each datagram as one
 * request, answered when any reply went back.
 *
 * Example: `serveUdp({ port: 9000 }, calcPipeline({ success: 0.5 })).subscribe()`, or
 * `serveUdp({ port: 9000, codec: lineCodec() }, map((line) => line.toUpperCase())).subscribe()`
 *
 * @throws RxnetInvalidOptionError, at once, for `maxDatagramSize` beside a `codec`.
 * @see serveTcp, calcPipeline, Codec
 */
export function serveUdp(options: ServeUdpOptions, pipeline: OperatorFunction<Frame, string>): Observable<never>;
export function serveUdp<F, M>(options: ServeUdpOptions<F, M> & { readonly codec: Codec<F, M> }, handler: OperatorFunction<F, M>): Observable<never>;
export function serveUdp<F, M>(options: ServeUdpOptions<F, M>, pipeline: OperatorFunction<F, M>): Observable<never> {
  checkCodecOptions(options, ['maxDatagramSize']);
  const codec = options.codec;
  /** The frames of one datagram: the codec's, or today's one message per datagram. */
  const framesOf = (data: Buffer): Observable<F> =>
    codec === undefined ? (of(decodeMessage(data, options.maxDatagramSize)) as unknown as Observable<F>) : of(data).pipe(codec.decode);
  const encode = codec === undefined ? (reply: M): string => `${String(reply)}\n` : codec.encode;
  return new Observable<never>((subscriber) => {
    const stats = options.stats ?? new ServerStats();
    const rate = options.udpRate ?? 0;
    const buckets = rate > 0 ? new TokenBuckets({ rate, burst: options.udpBurst ?? rate * 2 }) : undefined;
    const inFlight = new Subscription();
    let pending = 0;
    inFlight.add(stats.trackInFlight(() => pending));
    let stopping = false;
    const completeIfDrained = (): void => {
      if (stopping && pending === 0) subscriber.complete();
    };
    const limitLoopback = options.udpRateLoopback === true;
    const step = codec === undefined ? fusedStepOf(pipeline as unknown as OperatorFunction<Frame, string>) : undefined;
    let sample = 0;
    const limited = (datagram: Datagram): boolean => {
      if (buckets === undefined || (!limitLoopback && isLoopbackAddress(datagram.sender.address))) return false;
      if (buckets.take(datagram.sender.address, performance.now())) return false;
      stats.rateLimited += 1;
      return true;
    };
    /** The fused path: the datagram answered synchronously, nothing left pending. */
    const serveFused = (datagram: Datagram, fusedStep: FusedStep): void => {
      if (stopping) return;
      stats.requests += 1;
      if (limited(datagram)) return;
      const timed = (sample = (sample + 1) & 63) === 0;
      const arrived = timed ? performance.now() : 0;
      let reply: ReturnType<FusedStep>;
      try {
        reply = fusedStep(decodeMessage(datagram.data, options.maxDatagramSize));
      } catch (err) {
        stats.errors += 1;
        options.onDatagramError?.(err, datagram);
        return;
      }
      if (typeof reply !== 'string') {
        stats.dropped += 1;
        return;
      }
      if (timed) stats.replied((performance.now() - arrived) * 1000);
      else stats.replies += 1;
      datagram.reply(`${reply}\n`);
    };

    const serveDatagram = (datagram: Datagram): void => {
      if (stopping) return;
      stats.requests += 1;
      if (limited(datagram)) return;
      const arrived = performance.now();
      pending += 1;
      let answered = false;
      const done = (): void => {
        pending -= 1;
        completeIfDrained();
      };
      const request = new Subscription();
      const fail = (err: unknown): void => {
        request.unsubscribe();
        stats.errors += 1;
        options.onDatagramError?.(err, datagram);
        done();
      };
      request.add(
        framesOf(datagram.data)
          .pipe(pipeline)
          .subscribe({
            next: (reply) => {
              let bytes: Uint8Array | string;
              try {
                bytes = encode(reply);
              } catch (err) {
                fail(err);
                return;
              }
              if (!answered) stats.replied((performance.now() - arrived) * 1000);
              answered = true;
              datagram.reply(bytes);
            },
            complete: () => {
              if (!answered) stats.dropped += 1;
              done();
            },
            error: fail,
          }),
      );
      if (!request.closed) {
        inFlight.add(request);
        request.add(() => inFlight.remove(request));
      }
    };

    const serve = step === undefined ? serveDatagram : (datagram: Datagram) => serveFused(datagram, step);
    const tap = options.wiretap;
    const next = tap === undefined ? serve : (datagram: Datagram) => serve(wiretapDatagram(datagram, tap));
    const socket = bindUdp(options).subscribe({ next, error: (err: unknown) => subscriber.error(err) });
    const stop = options.stop$?.subscribe(() => {
      stopping = true;
      completeIfDrained();
    });
    return () => {
      stop?.unsubscribe();
      inFlight.unsubscribe();
      socket.unsubscribe();
    };
  });
}
