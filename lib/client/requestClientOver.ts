import { identity, Observable, type MonoTypeOperatorFunction, type Subscriber } from 'rxjs';
import { RxnetClosedError } from '../errors.js';
import type { RequestTransport } from './RequestTransport.js';

/** A request/response client: requests in, replies out, over one transport, with its timeout, retry and policy. */
export interface RequestClient<Req, Rep> extends AsyncDisposable {
  /** Where it sends, e.g. `udp://127.0.0.1:9000`, `tcp://127.0.0.1:9000`. */
  readonly address: string;
  /**
   * Sends `request` and emits its reply, then completes. Errors with an RxnetTimeoutError when
   * the retry policy gives up, an RxnetConnectionError when the server cannot be reached
   * (`info.final` when retrying will not help), an RxnetProtocolError for a malformed stream
   * reply, what the codec's encoder throws for a request it cannot carry, an RxnetClosedError
   * after close(). Unsubscribing cancels it.
   */
  request(request: Req): Observable<Rep>;
  /** Streams: opens the connection now, rejecting with the final RxnetConnectionError if it cannot. Datagrams: resolves at once. */
  connect(): Promise<void>;
  /** Cancels every request in flight (RxnetClosedError) and closes every socket; same promise on every call. */
  close(): Promise<void>;
}

/** Options of {@link requestClientOver}. */
export interface RequestClientOverOptions<Rep> {
  /** What the client is called in its RxnetClosedError: `calc client for udp://…`. */
  readonly name: string;
  /** An operator around each request, outside its retries (a circuit breaker, a bulkhead...). Defaults to none. */
  readonly policy?: MonoTypeOperatorFunction<Rep> | undefined;
  /** Checks a request before anything is sent: the error that refuses it, or undefined. Defaults to none. */
  readonly refuse?: ((request: unknown) => Error | undefined) | undefined;
}

/**
 * Wraps a {@link RequestTransport} as a {@link RequestClient}, adding what every client shares,
 * whatever carries its bytes: requests after `close()` error with an RxnetClosedError, `close()`
 * errors every request in flight with one and then releases the transport (same promise on every
 * call), `[Symbol.asyncDispose]` closes, and `policy` wraps each request. Internal; see
 * createRequestClient and createCalcClient.
 *
 * ```
 * request(r) -> refuse? -> transport.send (retries inside) -> policy --reply|
 * close()    -> in-flight requests  --#  (RxnetClosedError) -> transport.release()
 * ```
 *
 * Example: `const client = requestClientOver(requestsByKey(options), { name: 'request client', policy });`
 */
export function requestClientOver<Req, Rep>(transport: RequestTransport<Req, Rep>, options: RequestClientOverOptions<Rep>): RequestClient<Req, Rep> {
  const inFlight = new Set<Subscriber<Rep>>();
  let closed = false;
  let closing: Promise<void> | undefined;
  const closedError = (): RxnetClosedError => new RxnetClosedError({ what: `${options.name} for ${transport.address}` });

  const close = (): Promise<void> => {
    closing ??= (() => {
      closed = true;
      const reason = closedError();
      for (const subscriber of [...inFlight]) subscriber.error(reason);
      return transport.release();
    })();
    return closing;
  };

  const policy = options.policy ?? identity;
  const request = (input: Req): Observable<Rep> =>
    new Observable<Rep>((subscriber) => {
      const refusal = options.refuse?.(input) ?? (closed ? closedError() : undefined);
      if (refusal !== undefined) {
        subscriber.error(refusal);
        return undefined;
      }
      inFlight.add(subscriber);
      const subscription = transport.send(input).pipe(policy).subscribe({
        next: (reply) => subscriber.next(reply),
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        inFlight.delete(subscriber);
        subscription.unsubscribe();
      };
    });

  return { address: transport.address, request, connect: () => transport.connect(), close, [Symbol.asyncDispose]: close };
}
