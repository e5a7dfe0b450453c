/**
 * Reference implementations for the property tests: deliberately naive, written from the
 * protocol's description (docs/protocol.md) without regular expressions or zod, so a mistake in
 * lib/ is not copied here. They are slow and obvious; lib/ is fast and clever.
 */

const OPS = ['+', '-', '*', '/', '%', '^'] as const;
type Op = (typeof OPS)[number];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Scans `digits`; returns the index after them and how many there were. */
function digitsAt(text: string, i: number): [number, number] {
  let j = i;
  while (isDigit(text[j])) j += 1;
  return [j, j - i];
}

/**
 * A protocol number (request operands and reply results), by its grammar in docs/protocol.md,
 * ASCII digits only:
 *
 *     number   = [sign] mantissa [exponent]
 *     mantissa = digits ["." [digits]] | "." digits
 *     exponent = ("e" | "E") [sign] digits
 *     sign     = "+" | "-"
 *
 * so `.5`, `5.` and `5.e2` are numbers and `.`, `+.` and `e5` are not; and finite as a double.
 * Returns the value, or undefined.
 */
export function referenceNumber(text: string): number | undefined {
  let i = 0;
  if (text[i] === '+' || text[i] === '-') i += 1;
  let whole: number;
  let fraction = 0;
  [i, whole] = digitsAt(text, i);
  if (text[i] === '.') [i, fraction] = digitsAt(text, i + 1);
  // The mantissa needs a digit on one side of the dot at least.
  if (whole + fraction === 0) return undefined;
  if (text[i] === 'e' || text[i] === 'E') {
    i += 1;
    if (text[i] === '+' || text[i] === '-') i += 1;
    let exponent: number;
    [i, exponent] = digitsAt(text, i);
    if (exponent === 0) return undefined;
  }
  if (i !== text.length) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Removes spaces and tabs at both ends (nothing else: no \r, no NBSP). */
export function referenceTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text[start])) start += 1;
  while (end > start && isBlank(text[end - 1])) end -= 1;
  return text.slice(start, end);
}

/** A request line (terminator removed) as `{ op, a, b }`, or undefined when it is not one. */
export function referenceRequest(line: string): { op: Op; a: number; b: number } | undefined {
  const fields: string[] = [];
  let field = '';
  for (const c of line) {
    if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  if (fields.length !== 3) return undefined;
  const op = OPS.find((o) => o === referenceTrim(fields[0] ?? ''));
  const a = referenceNumber(referenceTrim(fields[1] ?? ''));
  const b = referenceNumber(referenceTrim(fields[2] ?? ''));
  if (op === undefined || a === undefined || b === undefined) return undefined;
  return { op, a, b };
}

/** IEEE arithmetic, one operator at a time, written out longhand. Non-finite means no result. */
export function referenceEvaluate(op: Op, a: number, b: number): number | undefined {
  let value: number;
  if (op === '+') value = a + b;
  else if (op === '-') value = a + -b;
  else if (op === '*') value = a * b;
  else if (op === '/') value = a / b;
  else if (op === '%') value = a % b;
  else value = Math.pow(a, b);
  return Number.isFinite(value) ? value : undefined;
}

/** The server's whole answer to one request line: `200,RESULT` or `300,-1`. */
export function referenceReply(line: string): string {
  const request = referenceRequest(line);
  const value = request === undefined ? undefined : referenceEvaluate(request.op, request.a, request.b);
  if (value === undefined) return '300,-1';
  return `200,${Object.is(value, -0) ? 0 : value}`;
}

/**
 * A reply as a client reads it: blanks before, blanks and line ends after, then exactly `300,-1`
 * or `200,NUMBER` with NUMBER a {@link referenceNumber} (the request's rule; no calc result is
 * infinite, so a number that overflows a double is no reply). Returns its value.
 */
export function referenceReplyValue(text: string): number | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text[start])) start += 1;
  while (end > start && (isBlank(text[end - 1]) || text[end - 1] === '\r' || text[end - 1] === '\n')) end -= 1;
  const core = text.slice(start, end);
  if (core === '300,-1') return -1;
  if (!core.startsWith('200,')) return undefined;
  return referenceNumber(core.slice(4));
}

/** What a framer yields for a line over the limit, in these tests. */
export const OVERLONG = Symbol('overlong');
export type ReferenceFrame = string | typeof OVERLONG;

/**
 * Frames a whole byte stream at once: split at every `\n`; one `\r` before it is removed; a line
 * longer than `max` bytes (after that) is OVERLONG; a last line without `\n` counts when it is not
 * empty (its trailing `\r` removed too).
 */
export function referenceLines(stream: Uint8Array, max: number): ReferenceFrame[] {
  const frames: ReferenceFrame[] = [];
  const bytes = Buffer.from(stream.buffer, stream.byteOffset, stream.byteLength);
  const line = (from: number, to: number): ReferenceFrame => {
    const stop = to > from && bytes[to - 1] === 0x0d ? to - 1 : to;
    return stop - from > max ? OVERLONG : bytes.toString('utf8', from, stop);
  };
  let from = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i] !== 0x0a) continue;
    frames.push(line(from, i));
    from = i + 1;
  }
  if (from < bytes.length) frames.push(line(from, bytes.length));
  return frames;
}

/** One whole message (a datagram): one trailing `\n`, or `\r\n`, removed; over `max` is OVERLONG. */
export function referenceMessage(message: Uint8Array, max: number): ReferenceFrame {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  let end = bytes.length;
  if (bytes[end - 1] === 0x0a) {
    end -= 1;
    if (bytes[end - 1] === 0x0d) end -= 1;
  }
  return end > max ? OVERLONG : bytes.toString('utf8', 0, end);
}
