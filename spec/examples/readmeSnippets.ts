import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/childProcess.js';

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The fence's language, e.g. `ts`. */
  readonly language: string;
  /** The block's text, without the fences, trimmed. */
  readonly code: string;
  /** The line of the opening fence (1-based), for messages. */
  readonly line: number;
}

/** Every fenced code block of `markdown` whose language is one of `languages`. */
export function codeBlocks(markdown: string, languages: readonly string[]): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const match of markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const language = match[1] ?? '';
    if (!languages.includes(language)) continue;
    const line = markdown.slice(0, match.index).split('\n').length;
    blocks.push({ language, code: (match[2] ?? '').trim(), line });
  }
  return blocks;
}

/** The lines between `// #region readme` and `// #endregion readme` of an example, imports of the library read as 'rxnet'. */
export function readmeRegion(source: string): string | undefined {
  const region = /\/\/ #region readme\n([\s\S]*?)\/\/ #endregion readme/.exec(source)?.[1];
  return region?.replaceAll("'../lib/index.js'", "'rxnet'").trim();
}

/** Every examples/*.ts that has a readme region: its name (without .ts) and the region. */
export function exampleSnippets(): Map<string, string> {
  const snippets = new Map<string, string>();
  for (const file of readdirSync(join(ROOT, 'examples')).sort()) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const region = readmeRegion(readFileSync(join(ROOT, 'examples', file), 'utf8'));
    if (region !== undefined) snippets.set(file.slice(0, -3), region);
  }
  return snippets;
}
