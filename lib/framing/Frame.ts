/**
 * What a framer yields: the text of one message, or a marker for a message that was longer
 * than the limit and was discarded unread. Framing knows nothing of the calc protocol.
 */

/** A message longer than `limit` bytes: reported once, its bytes discarded as they streamed in. */
export interface OverlongFrame {
  readonly overlong: true;
  /** The limit it broke, in bytes. */
  readonly limit: number;
}

/**
 * One framed message, or an {@link OverlongFrame}. `Frame` alone is a text message (its terminator
 * removed), as the line and chunk framings yield; `Frame<Uint8Array>` is a binary one, as the
 * delimiter framing yields.
 */
export type Frame<T = string> = T | OverlongFrame;

/** True when `frame` is the overlong marker. Usage: `frames.filter((f) => !isOverlong(f))`. */
export function isOverlong<T>(frame: T | OverlongFrame): frame is OverlongFrame {
  return typeof frame === 'object' && frame !== null && (frame as Partial<OverlongFrame>).overlong === true;
}

/** Builds the overlong marker for a limit. Usage: `out.push(overlong(1024))`. */
export function overlong(limit: number): OverlongFrame {
  return { overlong: true, limit };
}

/** The default maximum message length, in bytes, without its terminator. */
export const DEFAULT_MAX_LINE_LENGTH = 4096;

/** The default maximum frame length of the binary framings (delimiter, length-field), in bytes. */
export const DEFAULT_MAX_FRAME_LENGTH = 65536;
