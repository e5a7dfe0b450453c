import { tap, type Observable, type Subscription } from 'rxjs';
import type { TcpConnection } from '../transport/TcpConnection.js';
import { isConnectionReset } from './toxics/connectionReset.js';
import { toxicLink } from './toxicLink.js';
import type { ToxicRecord } from './ToxicRecord.js';

/** How one direction of a proxied TCP connection ended. */
export type PipeEnd = 'source-ended' | 'toxic-closed' | 'reset' | 'failed';

/** Options of {@link pipeDirection}. */
export interface PipeDirectionOptions {
  readonly toxics$: Observable<readonly ToxicRecord[]>;
  /** Counts bytes read from `from` and written to `to` (the proxy's metrics). */
  readonly onBytes?: (received: number, sent: number) => void;
  readonly onEnd: (end: PipeEnd) => void;
  readonly random?: () => number;
  /** Logs the bytes read from `from` and those written to `to` (the proxy's `--wiretap`). Defaults to none, at no cost. */
  readonly wire?: { readonly read: (bytes: Uint8Array) => void; readonly written: (bytes: Uint8Array) => void };
}

/**
 * Copies `from`'s bytes to `to` through the direction's toxics: reading `from` pauses while
 * `to`'s write buffer is full; when the stream completes, `to` is ended (a FIN); an error ends
 * it with `reset` (a toxic's reset, or the peer's ECONNRESET) or `failed`. Internal to the proxy.
 *
 * Example: `pipeDirection(client, server, { toxics$: upstream$, onEnd })`
 */
export function pipeDirection(from: TcpConnection, to: TcpConnection, options: PipeDirectionOptions): Subscription {
  let sourceEnded = false;
  let releaseDrain: (() => void) | undefined;
  const onDrain = (): void => {
    releaseDrain?.();
    releaseDrain = undefined;
  };
  const link = toxicLink({ protocol: 'tcp', toxics$: options.toxics$, hold: () => from.hold(), ...(options.random === undefined ? {} : { random: options.random }) });
  const wire = options.wire;
  const write = (chunk: Uint8Array): boolean => to.socket.write(chunk);
  const send =
    wire === undefined
      ? write
      : (chunk: Uint8Array): boolean => {
          wire.written(chunk);
          return write(chunk);
        };
  const read$: Observable<Buffer> = wire === undefined ? from.data$ : from.data$.pipe(tap((chunk) => wire.read(chunk)));
  const subscription = read$
    .pipe(
      tap({ next: (chunk) => options.onBytes?.(chunk.length, 0), complete: () => (sourceEnded = true) }),
      link,
    )
    .subscribe({
      next: (chunk) => {
        if (!to.socket.writable) return;
        options.onBytes?.(0, chunk.length);
        if (!send(chunk) && releaseDrain === undefined) {
          releaseDrain = from.hold();
          to.socket.once('drain', onDrain);
        }
      },
      complete: () => {
        to.end();
        options.onEnd(sourceEnded ? 'source-ended' : 'toxic-closed');
      },
      error: (err: unknown) => {
        const code = (err as NodeJS.ErrnoException | undefined)?.code;
        options.onEnd(isConnectionReset(err) || code === 'ECONNRESET' ? 'reset' : 'failed');
      },
    });
  subscription.add(() => {
    to.socket.off('drain', onDrain);
    onDrain();
  });
  return subscription;
}
