/**
 * The names of rxnet's framings, as error messages (`RxnetFramingError.info.framing`) and docs
 * name them. Pure data: imports nothing.
 */

export const FRAMING_LINE = 'line';
export const FRAMING_DELIMITER = 'delimiter';
export const FRAMING_LENGTH_FIELD = 'length-field';
export const FRAMING_FIXED_LENGTH = 'fixed-length';
export const FRAMING_CHUNK = 'chunk';

/** Every framing, in the order docs/codecs.md describes them. */
export const FRAMING_NAMES = [FRAMING_LINE, FRAMING_DELIMITER, FRAMING_LENGTH_FIELD, FRAMING_FIXED_LENGTH, FRAMING_CHUNK] as const;

/** One of {@link FRAMING_NAMES}. */
export type FramingName = (typeof FRAMING_NAMES)[number];
