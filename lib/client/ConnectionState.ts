/** No connection opened yet: connections are opened lazily, on the first request or `connect()`. */
export const CONNECTION_STATE_IDLE = 'idle';
/** Opening the first connections; none is open yet. */
export const CONNECTION_STATE_CONNECTING = 'connecting';
/** At least one session is open. */
export const CONNECTION_STATE_CONNECTED = 'connected';
/** Every session was lost; opening new ones with backoff. */
export const CONNECTION_STATE_RECONNECTING = 'reconnecting';
/** Gave up after the reconnect limit: requests fail at once until `connect()` is called. */
export const CONNECTION_STATE_FAILED = 'failed';
/** `close()` was called; final. */
export const CONNECTION_STATE_CLOSED = 'closed';

/**
 * The connection state of a TCP client, one of the `CONNECTION_STATE_*` constants.
 *
 * ```
 * idle --(first request or connect())--> connecting --> connected <--> reconnecting
 * connecting, reconnecting --(reconnect limit reached)--> failed --(connect())--> connecting
 * any --(close())--> closed
 * ```
 */
export type ConnectionState =
  | typeof CONNECTION_STATE_IDLE
  | typeof CONNECTION_STATE_CONNECTING
  | typeof CONNECTION_STATE_CONNECTED
  | typeof CONNECTION_STATE_RECONNECTING
  | typeof CONNECTION_STATE_FAILED
  | typeof CONNECTION_STATE_CLOSED;
