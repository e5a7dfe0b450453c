import { writeFileSync } from 'node:fs';
import { mixedRequest } from './requestMix.js';

/** Entries in the mix file the native load generator reads: request k uses entry k mod this. */
export const MIX_FILE_ENTRIES = 1 << 16;

/**
 * The request mix as text for the native load generator (bench/native/calcload.c): for each of
 * the first `count` requests of {@link mixedRequest}, its line and then its expected reply, each
 * ending in `\n`. One source of truth for the mix: the C program computes no answer itself.
 *
 * Example: `mixFileText(2)` is `'+,0,1\n200,1\n*,1,2\n200,2\n'`.
 */
export function mixFileText(count: number = MIX_FILE_ENTRIES): string {
  const lines: string[] = [];
  for (let k = 0; k < count; k += 1) {
    const { text, expected } = mixedRequest(k);
    lines.push(text, expected);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes {@link mixFileText} to `path`. Usage: `writeMixFile('dist/bench/native/mix.txt')`. */
export function writeMixFile(path: string, count: number = MIX_FILE_ENTRIES): void {
  writeFileSync(path, mixFileText(count), 'latin1');
}
