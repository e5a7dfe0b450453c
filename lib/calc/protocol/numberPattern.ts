/**
 * The number rule of the calc protocol, as the source of a regular expression (no anchors, no
 * capture): an optional sign, digits with an optional dot and fraction or a dot and a fraction
 * (`12`, `5.`, `.5`, `-1.5`), then an optional exponent (`e` or `E`, optional sign, digits).
 * `.`, `+.`, `e5`, `0x10`, `Infinity`, `NaN` and `1_000` do not match. The one source of the rule
 * for request operands ({@link requestSchema}) and reply results ({@link parseReply}); see
 * docs/protocol.md.
 *
 * Example: `new RegExp('^' + numberPattern + '$').test('-.5e3')` is `true`.
 */
export const numberPattern = '[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?';
