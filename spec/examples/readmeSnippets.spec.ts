import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/childProcess.js';
import { codeBlocks, exampleSnippets } from './readmeSnippets.js';

/** `node --check file.mjs`: resolves with the syntax error's first line, or undefined when it parses. */
function syntaxErrorOf(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--check', file], (err, _stdout, stderr) =>
      resolve(err === null ? undefined : (stderr.split('\n').find((line) => line.includes('Error')) ?? stderr)),
    );
  });
}

describe('README.md code snippets', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = codeBlocks(readme, ['ts', 'js', 'typescript', 'javascript', 'mjs']);
  const snippets = exampleSnippets();

  it('has the library snippets (this spec reads the blocks it means to)', () => {
    expect(blocks.length).to.be.at.least(3);
  });

  it('issue 10: shows each ts/js block exactly as the readme region of a file under examples/ that the suite runs', () => {
    const shown = [...snippets.values()];
    for (const block of blocks) {
      expect(shown, `README.md line ${block.line}: no examples/*.ts has this block as its readme region`).to.include(block.code);
    }
  });

  it('links each example it shows, and shows each example that has a readme region', () => {
    const codes = blocks.map((block) => block.code);
    for (const [name, region] of snippets) {
      expect(codes, `examples/${name}.ts has a readme region that README.md does not show`).to.include(region);
      expect(readme, `README.md links examples/${name}.ts`).to.include(`](examples/${name}.ts)`);
    }
  });

  it('issue 10: uses no `using` declaration (a syntax error on Node 20; at the top of a module it disposes at once)', () => {
    for (const block of blocks) expect(block.code, `README.md line ${block.line}`).to.not.match(/\busing\s+\w+\s*=/);
  });

  it('issue 10: each block is a JavaScript module that this Node parses, as a user would paste it into a .mjs file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxnet-readme-'));
    try {
      const errors = await Promise.all(
        blocks.map(async (block) => {
          const file = join(dir, `line${block.line}.mjs`);
          writeFileSync(file, `${block.code}\n`);
          const error = await syntaxErrorOf(file);
          return error === undefined ? undefined : `README.md line ${block.line}: ${error}`;
        }),
      );
      expect(errors.filter((error) => error !== undefined)).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
