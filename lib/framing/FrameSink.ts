/**
 * Takes a decoder's frames one at a time, in order, instead of as an array (LineDecoder's
 * `pushTo`): `frame` returns false when it wants no more of that chunk's frames, and the rest
 * of them are discarded (as after a stream is cut).
 *
 * Example: `new LineDecoder().pushTo(chunk, { frame: (line) => (lines.push(line), true) })`
 */
export interface FrameSink<F> {
  frame(frame: F): boolean;
}
