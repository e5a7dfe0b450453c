import type { Observable } from 'rxjs';
import type { CalcReply } from '../protocol/types.js';

/**
 * What a calc client needs from one transport: a small value, not a class to extend. Built by
 * {@link calcOverTcp} or {@link calcOverUdp}; {@link calcClientOver} adds what every calc
 * client shares (line checks, close, cancelling requests in flight). Internal.
 *
 * Example: `calcClientOver(calcOverUdp(options), options)`
 */
export interface CalcTransport {
  /** Where it sends, e.g. `udp://127.0.0.1:9000`. */
  readonly address: string;
  /** A request line's reply, under the retry policy; one exchange per subscription. */
  send(line: string): Observable<CalcReply>;
  /** Opens the connection now (stream transports); resolves at once for UDP. */
  connect(): Promise<void>;
  /** Releases every socket once every request has been cancelled; resolves when all are closed. */
  release(): Promise<void>;
}
