import { RxnetInvalidOptionError } from '../errors.js';

/**
 * Refuses, at once, the default framing's options beside a `codec`: the codec frames the
 * requests by itself, so they would be ignored silently. Used by serveTcp, serveUdp and the stream client.
 *
 * Example: `checkCodecOptions({ codec, framing: 'chunk' }, ['framing'])` throws
 * `Invalid options: framing applies without a codec only (the codec does the framing)`.
 *
 * @throws RxnetInvalidOptionError naming the first such option.
 */
export function checkCodecOptions(options: object, framingOptions: readonly string[]): void {
  const given = options as Readonly<Record<string, unknown>>;
  if (given['codec'] === undefined) return;
  const misplaced = framingOptions.find((name) => given[name] !== undefined);
  if (misplaced === undefined) return;
  throw new RxnetInvalidOptionError(
    { option: misplaced, value: String(given[misplaced]), expected: 'no framing option beside a codec' },
    `Invalid options: ${misplaced} applies without a codec only (the codec does the framing)`,
  );
}
