import { Observable, type Subscriber } from 'rxjs';
import { RxnetClosedError } from '../errors.js';
import { encodeRequest } from '../protocol/encodeRequest.js';
import type { CalcReply, CalcRequest } from '../protocol/types.js';
import type { CalcClient } from './calcClient.js';
import type { CalcClientOptions } from './calcClientOptions.js';
import { checkRequestLine } from './checkRequestLine.js';

/** What both calc clients share: line checking, refusing requests after close, cancelling requests in flight on close. Internal. */
export abstract class CalcClientBase implements CalcClient {
  abstract readonly address: string;
  private closed = false;
  private readonly inFlight = new Set<Subscriber<CalcReply>>();
  private closing: Promise<void> | undefined;

  constructor(readonly options: Readonly<CalcClientOptions>) {}

  request(request: CalcRequest | string): Observable<CalcReply> {
    const line = typeof request === 'string' ? request : encodeRequest(request);
    return new Observable<CalcReply>((subscriber) => {
      const refusal = checkRequestLine(line) ?? (this.closed ? this.closedError() : undefined);
      if (refusal !== undefined) {
        subscriber.error(refusal);
        return undefined;
      }
      this.inFlight.add(subscriber);
      const subscription = this.send(line).subscribe({
        next: (reply) => subscriber.next(reply),
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        this.inFlight.delete(subscriber);
        subscription.unsubscribe();
      };
    });
  }

  abstract connect(): Promise<void>;

  close(): Promise<void> {
    this.closing ??= (() => {
      this.closed = true;
      const reason = this.closedError();
      for (const subscriber of [...this.inFlight]) subscriber.error(reason);
      return this.release();
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The request's reply, under the retry policy. */
  protected abstract send(line: string): Observable<CalcReply>;
  /** Releases the transport once every request is cancelled. */
  protected abstract release(): Promise<void>;

  private closedError(): RxnetClosedError {
    return new RxnetClosedError({ what: `calc client for ${this.address}` });
  }
}

