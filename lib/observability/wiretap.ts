import { tap, type MonoTypeOperatorFunction, type SchedulerLike, asyncScheduler } from 'rxjs';
import { formatHexdump } from './formatHexdump.js';
import { formatWireText } from './formatWireText.js';

/** `text`: one escaped line per chunk; `hex`: `hexdump -C` lines. */
export const WIRETAP_FORMATS = ['text', 'hex'] as const;
export type WiretapFormat = (typeof WIRETAP_FORMATS)[number];

/** Bytes that arrive (`in`, from the peer) or leave (`out`, to the peer). */
export type WireDirection = 'in' | 'out';

/** Options of {@link wiretap}. */
export interface WiretapOptions {
  /** `text` or `hex`. Defaults to `text`. */
  readonly format?: WiretapFormat;
  /** `in` or `out`. Defaults to `in`. */
  readonly direction?: WireDirection;
  /** Who the bytes are from or to, as it should appear in the log (`tcp://127.0.0.1:53412`). */
  readonly peer: string;
  /** Writes one log entry (a line; several for `hex`). */
  readonly log: (entry: string) => void;
  /** Where the time stamp comes from. Defaults to `asyncScheduler` (the wall clock). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Logs every chunk of bytes that passes, as Reactor Netty's wiretap does: the time, the
 * direction, the peer and the length on one header line, then the bytes in text or hexdump
 * form. It passes every value, error and completion through unchanged; leave it out of a
 * pipeline and it costs nothing.
 *
 * ```
 * --[+,1,1\n]--|   ->   --[+,1,1\n]--|     log: "2026-12-02T05:00:00.000Z in tcp://127.0.0.1:53412 6 B\n+,1,1\n"
 * ```
 *
 * Example: `connection.data$.pipe(wiretap({ peer: 'tcp://127.0.0.1:53412', log: (e) => process.stderr.write(`${e}\n`) }), splitLines())`
 *
 * @see formatHexdump, formatWireText
 */
export function wiretap<T extends Uint8Array>(options: WiretapOptions): MonoTypeOperatorFunction<T> {
  const format = options.format ?? 'text';
  const direction = options.direction ?? 'in';
  const scheduler = options.scheduler ?? asyncScheduler;
  return tap((chunk: T) => options.log(formatWireEntry(chunk, { format, direction, peer: options.peer, now: scheduler.now() })));
}

/**
 * One wiretap log entry: a header line (ISO time, direction, peer, length) and the bytes.
 *
 * Example: `formatWireEntry(Buffer.from('+,1,1\n'), { format: 'text', direction: 'in', peer: 'p', now: 0 })`
 * is `'1970-01-01T00:00:00.000Z in p 6 B\n+,1,1\\n'`.
 */
export function formatWireEntry(
  bytes: Uint8Array,
  entry: { readonly format: WiretapFormat; readonly direction: WireDirection; readonly peer: string; readonly now: number },
): string {
  const body = entry.format === 'hex' ? formatHexdump(bytes) : formatWireText(bytes);
  return `${new Date(entry.now).toISOString()} ${entry.direction} ${entry.peer} ${bytes.length} B\n${body}`;
}
