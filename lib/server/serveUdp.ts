import { mergeMap, Observable, of, type OperatorFunction } from 'rxjs';
import type { Frame } from '../framing/Frame.js';
import { decodeMessage } from '../framing/decodeMessage.js';
import { bindUdp, type BindUdpOptions, type Datagram } from '../transport/bindUdp.js';

/** Options of {@link serveUdp}. */
export interface ServeUdpOptions extends BindUdpOptions {
  /** The longest request, in bytes. Defaults to 4096. */
  readonly maxLineLength?: number;
  /** Called when the pipeline fails on one datagram; the server goes on. */
  readonly onDatagramError?: (err: unknown, datagram: Datagram) => void;
}

/**
 * Serves a request pipeline over UDP: each datagram is one request (a trailing newline allowed),
 * run through `pipeline`; each reply goes back to the datagram's sender with a trailing `\n`.
 * A pipeline failure on one datagram is reported and the server goes on. Unsubscribing closes
 * the socket.
 *
 * Example: `serveUdp({ port: 9000 }, calcPipeline({ success: 0.5 })).subscribe()`
 *
 * @see serveTcp, calcPipeline
 */
export function serveUdp(options: ServeUdpOptions, pipeline: OperatorFunction<Frame, string>): Observable<never> {
  return bindUdp(options).pipe(mergeMap((datagram) => serveDatagram(datagram, pipeline, options)));
}

function serveDatagram(datagram: Datagram, pipeline: OperatorFunction<Frame, string>, options: ServeUdpOptions): Observable<never> {
  return new Observable<never>((subscriber) =>
    of(decodeMessage(datagram.data, options.maxLineLength))
      .pipe(pipeline)
      .subscribe({
        next: (reply) => datagram.reply(`${reply}\n`),
        complete: () => subscriber.complete(),
        error: (err: unknown) => {
          options.onDatagramError?.(err, datagram);
          subscriber.complete();
        },
      }),
  );
}
