import type { Observable, OperatorFunction } from 'rxjs';
import { RxnetConnectionError } from '../errors.js';
import type { Frame } from '../framing/Frame.js';
import type { SocketAddress } from '../transport/SocketAddress.js';
import { calcPipeline } from './calcPipeline.js';
import { serveTcp } from './serveTcp.js';
import { serveUdp } from './serveUdp.js';
import { resolveServerOptions, type ServerOptions, type Transport } from './serverOptions.js';

/** A listening server. */
export interface RunningServer extends AsyncDisposable {
  /** `tcp` or `udp`. */
  readonly transport: Transport;
  /** The bound address (the real port when 0 was asked for). */
  readonly address: SocketAddress;
  /** The resolved options it runs with. */
  readonly options: Readonly<ServerOptions>;
  /**
   * Stops at once: closes the listening socket and every open connection. Resolves when all is
   * closed; safe to call any number of times (each call returns the same promise).
   */
  close(): Promise<void>;
}

/** Hooks of {@link startServer}, for logging. */
export interface ServerHooks {
  /** Called when one connection or datagram fails; the server goes on. */
  readonly onError?: (err: unknown) => void;
}

/**
 * Starts a server: the calc protocol by default, or any pipeline from framed requests to reply
 * texts. Resolves once listening; rejects with an RxnetConnectionError if it cannot listen, or an
 * RxnetInvalidOptionError for a bad option.
 *
 * Example:
 * ```ts
 * await using server = await startServer({ transport: 'udp', port: 0, success: 0.5 });
 * console.log(server.address.port);
 * ```
 *
 * @param options merged over SERVER_DEFAULTS (tcp, 127.0.0.1:9000, success 1, line framing).
 * @param pipeline defaults to `calcPipeline(options)`.
 * @see calcPipeline, serveTcp, serveUdp
 */
export function startServer(
  options: Partial<ServerOptions> = {},
  pipeline?: OperatorFunction<Frame, string>,
  hooks: ServerHooks = {},
): Promise<RunningServer> {
  let resolved: Readonly<ServerOptions>;
  try {
    resolved = resolveServerOptions(options);
  } catch (err) {
    return Promise.reject(err);
  }
  const replies = pipeline ?? calcPipeline(resolved);
  return new Promise<RunningServer>((resolve, reject) => {
    let markClosed: () => void = () => {};
    const closed = new Promise<void>((done) => {
      markClosed = done;
    });
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => (closing ??= (subscription.unsubscribe(), closed));
    const listenOptions = {
      host: resolved.host,
      port: resolved.port,
      maxLineLength: resolved.maxLineLength,
      framing: resolved.framing,
      onClosed: () => markClosed(),
      onListening: (address: SocketAddress) =>
        resolve({
          transport: resolved.transport,
          address,
          options: resolved,
          close,
          [Symbol.asyncDispose]: close,
        }),
      onConnectionError: (err: unknown) => hooks.onError?.(err),
      onDatagramError: (err: unknown) => hooks.onError?.(err),
      onSendError: (err: unknown) => hooks.onError?.(err),
    };
    const server$: Observable<never> =
      resolved.transport === 'tcp' ? serveTcp(listenOptions, replies) : serveUdp(listenOptions, replies);
    const subscription = server$.subscribe({
      error: (err: unknown) => {
        const code = (err as { code?: string }).code;
        const where = `${resolved.transport}://${resolved.host}:${resolved.port}`;
        reject(
          new RxnetConnectionError(
            `Cannot listen on ${where}: ${err instanceof Error ? err.message : String(err)}`,
            code === undefined ? { address: where } : { address: where, syscallCode: code },
            { cause: err },
          ),
        );
      },
    });
  });
}
