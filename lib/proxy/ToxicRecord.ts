/** The two directions of a proxied connection: `upstream` is client -> server, `downstream` server -> client. */
export const STREAM_UPSTREAM = 'upstream';
export const STREAM_DOWNSTREAM = 'downstream';
export type ToxicStream = typeof STREAM_UPSTREAM | typeof STREAM_DOWNSTREAM;
export const TOXIC_STREAMS: readonly ToxicStream[] = [STREAM_UPSTREAM, STREAM_DOWNSTREAM];

/** What a proxy carries: `tcp` (toxiproxy's) or, rxnet's extension, `udp`. */
export const PROTOCOL_TCP = 'tcp';
export const PROTOCOL_UDP = 'udp';
export type ProxyProtocol = typeof PROTOCOL_TCP | typeof PROTOCOL_UDP;

/**
 * One toxic of a proxy, exactly as toxiproxy's API shows it:
 * `{ "attributes": {...}, "name": "latency_downstream", "type": "latency", "stream": "downstream", "toxicity": 1 }`.
 * A record is immutable; an update replaces it (and so re-rolls its toxicity per connection).
 */
export interface ToxicRecord {
  readonly attributes: Readonly<Record<string, number>>;
  readonly name: string;
  readonly type: string;
  readonly stream: ToxicStream;
  readonly toxicity: number;
}
