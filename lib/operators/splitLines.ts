import { Observable, type OperatorFunction } from 'rxjs';
import { LineDecoder } from '../framing/LineDecoder.js';
import type { Frame } from '../framing/Frame.js';

/**
 * Frames a byte stream into `\n`-terminated lines (CRLF accepted), across chunk boundaries.
 * A line over `maxLineLength` bytes becomes one overlong frame and is discarded as it streams in;
 * an unterminated last line is emitted when the source completes.
 *
 * ```
 * --[+,1,1\n*,2]--[,3\n]--|   ->   --'+,1,1'--'*,2,3'--|
 * ```
 *
 * Example: `connection.data$.pipe(splitLines({ maxLineLength: 1024 }), parse(), evaluate(), encode())`
 *
 * @param options.maxLineLength the longest line, in bytes, without its terminator. Defaults to 4096.
 * @see splitMessages
 */
export function splitLines(options: { maxLineLength?: number } = {}): OperatorFunction<Uint8Array, Frame> {
  return (source) =>
    new Observable<Frame>((subscriber) => {
      const decoder = new LineDecoder(options.maxLineLength);
      return source.subscribe({
        next: (chunk) => {
          for (const frame of decoder.push(chunk)) subscriber.next(frame);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          for (const frame of decoder.end()) subscriber.next(frame);
          subscriber.complete();
        },
      });
    });
}
