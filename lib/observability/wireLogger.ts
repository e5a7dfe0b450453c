import { formatWireEntry, type WireDirection, type WiretapFormat } from './wiretap.js';

/**
 * What to log the bytes of every connection or datagram with (`--wiretap text|hex`), on the
 * server, the client and the proxy.
 */
export interface WiretapSettings {
  /** `text` (escaped) or `hex` (`hexdump -C`). */
  readonly format: WiretapFormat;
  /** Writes one log entry (a header line and the bytes). */
  readonly log: (entry: string) => void;
  /** The clock of the time stamps, in ms since the epoch. Defaults to `Date.now`. */
  readonly now?: () => number;
}

/** Logs one chunk of bytes that arrived from (`in`) or left for (`out`) one peer. */
export type WireLogger = (direction: WireDirection, bytes: string | Uint8Array) => void;

/**
 * The logger of one peer's bytes: each call writes one {@link formatWireEntry} entry (time,
 * direction, peer, length, then the bytes in text or `hexdump -C` form). Made only when a
 * wiretap is asked for, so an untapped connection pays nothing.
 *
 * Example: `const logWire = wireLogger({ format: 'hex', log: console.error }, '127.0.0.1:9000'); logWire('out', '+,1,1\n')`
 *
 * @see wiretap, formatWireEntry
 */
export function wireLogger(settings: WiretapSettings, peer: string): WireLogger {
  const now = settings.now ?? Date.now;
  return (direction, bytes) =>
    settings.log(formatWireEntry(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, { format: settings.format, direction, peer, now: now() }));
}
