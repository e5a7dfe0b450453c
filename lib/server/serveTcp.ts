import { mergeMap, Observable, type OperatorFunction } from 'rxjs';
import type { Frame } from '../framing/Frame.js';
import { splitLines } from '../operators/splitLines.js';
import { splitMessages } from '../operators/splitMessages.js';
import { listenTcp, type ListenTcpOptions } from '../transport/listenTcp.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import type { Framing } from './serverOptions.js';

/** Options of {@link serveTcp}. */
export interface ServeTcpOptions extends ListenTcpOptions {
  /** `line` (`\n`-terminated requests) or `chunk` (each read is one request). Defaults to `line`. */
  readonly framing?: Framing;
  /** The longest request, in bytes. Defaults to 4096. */
  readonly maxLineLength?: number;
  /** Called with each accepted connection before it is served (for socket options, stats, tests). */
  readonly onConnection?: (connection: TcpConnection) => void;
  /** Called when one connection fails (`ECONNRESET`, a throwing pipeline...); the server goes on. */
  readonly onConnectionError?: (err: unknown, connection: TcpConnection) => void;
}

/**
 * Serves a request pipeline over TCP: each connection's bytes are framed, run through `pipeline`,
 * and each reply is written back with a `\n`, in order, on the same connection. When the pipeline
 * completes (the peer ended, or a randomCut), our side ends gracefully. A failing connection ends
 * alone. Unsubscribing closes the listener and every connection.
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
  return listenTcp(options).pipe(mergeMap((connection) => serveConnection(connection, frame, pipeline, options)));
}

function serveConnection(
  connection: TcpConnection,
  frame: OperatorFunction<Uint8Array, Frame>,
  pipeline: OperatorFunction<Frame, string>,
  options: ServeTcpOptions,
): Observable<never> {
  return new Observable<never>((subscriber) => {
    options.onConnection?.(connection);
    return connection.data$.pipe(frame, pipeline).subscribe({
      next: (reply) => connection.send(`${reply}\n`),
      complete: () => {
        connection.end();
        subscriber.complete();
      },
      error: (err: unknown) => {
        connection.destroy();
        options.onConnectionError?.(err, connection);
        subscriber.complete();
      },
    });
  });
}
