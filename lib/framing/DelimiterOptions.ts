import { DEFAULT_MAX_FRAME_LENGTH } from './Frame.js';
import { BOOLEAN, byteLengthFrom, type OptionRule } from './resolveFramingOptions.js';

/** Options of the delimiter framing, named as Netty's `DelimiterBasedFrameDecoder` names them. */
export interface DelimiterOptions {
  /** The bytes that end a frame: any non-empty sequence (`'\0'`, `'\r\n\r\n'`, bytes); a string is UTF-8. */
  readonly delimiter: Uint8Array | string;
  /** The longest frame, in bytes, without its delimiter. Defaults to 65536. */
  readonly maxFrameLength: number;
  /** Whether a frame comes without its delimiter. Defaults to true. */
  readonly stripDelimiter: boolean;
  /** Whether an over-long frame is reported as soon as it is known to be over (true) or once its delimiter arrives (false). Defaults to true. */
  readonly failFast: boolean;
}

/** Every option's default but the delimiter's, which is required. */
export const DELIMITER_DEFAULTS: Readonly<Omit<DelimiterOptions, 'delimiter'>> = Object.freeze({ maxFrameLength: DEFAULT_MAX_FRAME_LENGTH, stripDelimiter: true, failFast: true });

/** A delimiter: any non-empty byte sequence. */
export const DELIMITER_RULE: OptionRule = {
  expected: 'a non-empty string or Uint8Array',
  allows: (value) => (typeof value === 'string' || value instanceof Uint8Array) && value.length > 0,
};

/** What each option allows. */
export const DELIMITER_RULES: { readonly [K in keyof DelimiterOptions]: OptionRule } = {
  delimiter: DELIMITER_RULE,
  maxFrameLength: byteLengthFrom(1),
  stripDelimiter: BOOLEAN,
  failFast: BOOLEAN,
};
