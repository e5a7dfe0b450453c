/**
 * Formats bytes as one line of text: printable ASCII as it is, a backslash as `\\`, `\n`, `\r`
 * and `\t` as those escapes, and every other byte as `\xHH`, so a log line never carries a
 * control character or a byte sequence a terminal would act on.
 *
 * Example: `formatWireText(Buffer.from('+,1,1\r\n'))` is `'+,1,1\\r\\n'` (the characters `\r\n`).
 *
 * @see formatHexdump, wiretap
 */
export function formatWireText(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (byte === 0x5c) text += '\\\\';
    else if (byte === 0x0a) text += '\\n';
    else if (byte === 0x0d) text += '\\r';
    else if (byte === 0x09) text += '\\t';
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return text;
}
