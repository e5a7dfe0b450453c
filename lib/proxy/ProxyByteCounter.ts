import type { ToxicStream } from './ToxicRecord.js';

/** Where a proxy reports the bytes it moves (toxiproxy's received/sent counters, per direction). */
export interface ProxyByteCounter {
  /** `received` bytes read from the direction's source and `sent` written to its destination. */
  count(direction: ToxicStream, received: number, sent: number): void;
}
