import { Observable, of, Subscription } from 'rxjs';
import type { Frame } from '../framing/Frame.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import { countConnection, servedUntilClosed } from './connectionLifetime.js';
import { CUT, type FusedStep } from './fusedStep.js';
import type { ServerStats } from './ServerStats.js';
import type { StopRegistry } from './StopRegistry.js';

/** A framer run by hand: the frames one read completes, and those left at the end. */
export interface FrameDecoder {
  push(chunk: Uint8Array): Frame[];
  end(): Frame[];
}

/** What {@link serveFused} needs of serveTcp's options. */
export interface ServeFusedOptions {
  readonly onConnection?: (connection: TcpConnection) => void;
  readonly onConnectionError?: (err: unknown, connection: TcpConnection) => void;
}

/**
 * Serves one connection with a fused step (internal to serveTcp): counts it open until it
 * closes, then each read slice is framed,
 * every frame run through `step`, and the replies joined into one send, all synchronously. So
 * nothing is in flight once a read is handled (maxInFlight never holds reading), backpressure and
 * the fair read budget work as for any pipeline (they act on reads), a {@link CUT} sends the
 * replies before it and ends the connection, and a graceful stop answers every byte already read.
 * Latency is recorded once per read (the time its replies took), for each of its replies.
 *
 * Example: `serveFused(connection, () => new LineDecoder(), step, new StopRegistry(stop$), options, stats)`
 */
export function serveFused(
  connection: TcpConnection,
  makeDecoder: () => FrameDecoder,
  step: FusedStep,
  stops: StopRegistry,
  options: ServeFusedOptions,
  stats: ServerStats,
): Observable<never> {
  return new Observable<never>((subscriber) => {
    countConnection(connection, options, stats);
    /** Made at the first read: an idle connection holds none. */
    let decoder: FrameDecoder | undefined;
    let done = false;
    const subscription = new Subscription();
    /** Runs `frames` and sends their replies at once; false once the connection is to end (a cut). */
    const answer = (frames: readonly Frame[], started: number): boolean => {
      let out = '';
      let replies = 0;
      let cut = false;
      for (const frame of frames) {
        stats.requests += 1;
        const reply = step(frame);
        if (typeof reply === 'string') {
          out += `${reply}\n`;
          replies += 1;
        } else {
          stats.dropped += 1;
          if (reply === CUT) {
            cut = true;
            break;
          }
        }
      }
      if (replies > 0) {
        stats.repliedMany(replies, (performance.now() - started) * 1000);
        connection.send(out);
      }
      return !cut;
    };
    const finish = (): void => {
      if (done) return;
      done = true;
      subscription.unsubscribe();
      connection.end();
    };
    const fail = (err: unknown): void => {
      if (done) return;
      done = true;
      subscription.unsubscribe();
      stats.errors += 1;
      connection.destroy();
      options.onConnectionError?.(err, connection);
    };
    subscription.add(
      connection.data$.subscribe({
      next: (chunk) => {
        if (done) return;
        const started = performance.now();
        try {
          decoder ??= makeDecoder();
          if (!answer(decoder.push(chunk), started)) finish();
        } catch (err) {
          fail(err);
        }
      },
      complete: () => {
        if (done) return;
        try {
          if (decoder !== undefined) answer(decoder.end(), performance.now());
          finish();
        } catch (err) {
          fail(err);
        }
      },
      error: fail,
      }),
    );
    // A graceful stop ends the requests once every byte already read has been answered.
    subscription.add(stops.add(() => subscription.add((connection.stopReading?.() ?? of(undefined)).subscribe(finish))));
    return servedUntilClosed(connection.socket, subscriber, subscription);
  });
}
