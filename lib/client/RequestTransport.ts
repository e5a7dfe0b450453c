import type { Observable } from 'rxjs';

/**
 * What a request/response client needs from one transport: a small value, not a class to extend.
 * Built by requestsOverStream, requestsBySocket or requestsByKey (and, for calc, calcOverTcp and
 * calcOverUdp); {@link requestClientOver} adds what every client shares (close, cancelling
 * requests in flight, the policy). Internal.
 *
 * Example: `requestClientOver(requestsByKey(options), { name: 'request client' })`
 */
export interface RequestTransport<Req, Rep> {
  /** Where it sends, e.g. `udp://127.0.0.1:9000`. */
  readonly address: string;
  /** A request's reply, under the retry policy; one exchange per subscription. */
  send(request: Req): Observable<Rep>;
  /** Opens the connection now (stream transports); resolves at once for UDP. */
  connect(): Promise<void>;
  /** Releases every socket once every request has been cancelled; resolves when all are closed. */
  release(): Promise<void>;
}
