import { identity, Observable, type Subscriber } from 'rxjs';
import { RxnetClosedError } from '../errors.js';
import { encodeRequest } from '../protocol/encodeRequest.js';
import type { CalcReply, CalcRequest } from '../protocol/types.js';
import type { CalcClient } from './calcClient.js';
import type { CalcClientOptions } from './calcClientOptions.js';
import type { CalcTransport } from './CalcTransport.js';
import { checkRequestLine } from './checkRequestLine.js';

/**
 * Wraps a {@link CalcTransport} as a {@link CalcClient}, adding what every calc client shares,
 * whatever carries its bytes: a request line with a `\n` is refused before anything is sent,
 * requests after `close()` error with an RxnetClosedError, `close()` errors every request in
 * flight with one and then releases the transport (same promise on every call), and
 * `[Symbol.asyncDispose]` closes. Internal; see createCalcClient.
 *
 * ```
 * request('+,1,1') -> check line -> transport.send (retries inside) -> policy --200,2|
 * close()          -> in-flight requests  --#  (RxnetClosedError) -> transport.release()
 * ```
 *
 * Example: `const client = calcClientOver(calcOverUdp(options), options);`
 *
 * @see calcOverTcp, calcOverUdp
 */
export function calcClientOver(transport: CalcTransport, options: Readonly<CalcClientOptions>): CalcClient {
  const inFlight = new Set<Subscriber<CalcReply>>();
  let closed = false;
  let closing: Promise<void> | undefined;
  const closedError = (): RxnetClosedError => new RxnetClosedError({ what: `calc client for ${transport.address}` });

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
  const request = (input: CalcRequest | string): Observable<CalcReply> => {
    const line = typeof input === 'string' ? input : encodeRequest(input);
    return new Observable<CalcReply>((subscriber) => {
      const refusal = checkRequestLine(line) ?? (closed ? closedError() : undefined);
      if (refusal !== undefined) {
        subscriber.error(refusal);
        return undefined;
      }
      inFlight.add(subscriber);
      const subscription = transport.send(line).pipe(policy).subscribe({
        next: (reply) => subscriber.next(reply),
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        inFlight.delete(subscriber);
        subscription.unsubscribe();
      };
    });
  };

  return {
    address: transport.address,
    options,
    request,
    connect: () => transport.connect(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
