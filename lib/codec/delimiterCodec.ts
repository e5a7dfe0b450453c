import type { Frame } from '../framing/Frame.js';
import { DelimiterDecoder } from '../framing/DelimiterDecoder.js';
import type { DelimiterOptions } from '../framing/DelimiterOptions.js';
import { delimiterEncoder } from '../framing/delimiterEncoder.js';
import type { Codec } from './Codec.js';
import { framed } from './framed.js';

/**
 * The delimiter codec: binary frames ended by any byte sequence ({@link DelimiterDecoder}, with
 * Netty's options); an over-long frame is one overlong frame and the stream resynchronises at the
 * next delimiter. `encode` appends the delimiter, refusing a message that holds it.
 *
 * Example: `const nul = delimiterCodec({ delimiter: '\0', maxFrameLength: 1024 });`
 *
 * @param options `delimiter` (required), `maxFrameLength` (65536), `stripDelimiter` (true), `failFast` (true).
 * @throws RxnetInvalidOptionError for a bad option, at once.
 * @see lineCodec, lengthFieldCodec
 */
export function delimiterCodec(options: Partial<DelimiterOptions> & Pick<DelimiterOptions, 'delimiter'>): Codec<Frame<Uint8Array>, Uint8Array | string> {
  const resolved = new DelimiterDecoder(options).options;
  return { decode: framed(() => new DelimiterDecoder(resolved)), encode: delimiterEncoder(resolved.delimiter) };
}
