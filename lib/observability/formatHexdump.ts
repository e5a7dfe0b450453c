/**
 * Formats bytes in `hexdump -C` layout: an 8-digit hex offset, 16 bytes in hex in two groups of
 * eight, and the printable ASCII between bars (`.` for anything else), then a last line with the
 * total length.
 *
 * ```
 * 00000000  2b 2c 31 2c 31 0a                                 |+,1,1.|
 * 00000006
 * ```
 *
 * Example: `formatHexdump(Buffer.from('+,1,1\n'))` is the two lines above, joined by `\n`.
 *
 * @see formatWireText, wiretap
 */
export function formatHexdump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, bytes.length));
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i += 1) {
      const byte = row[i];
      hex += i === 8 ? '  ' : ' ';
      hex += byte === undefined ? '  ' : byte.toString(16).padStart(2, '0');
      if (byte !== undefined) ascii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
    }
    lines.push(`${offsetOf(offset)} ${hex}  |${ascii}|`);
  }
  lines.push(offsetOf(bytes.length));
  return lines.join('\n');
}

function offsetOf(n: number): string {
  return n.toString(16).padStart(8, '0');
}
