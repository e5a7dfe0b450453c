import { expect } from 'chai';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/childProcess.js';
import { NPM_INSTALL_FLAGS, runInDirectory } from '../helpers/runInDirectory.js';

describe('package-lock.json', function () {
  // npm resolves the tree from the lockfile; with an empty cache it asks the registry for manifests.
  this.timeout(90000);

  it('issue 10: is in sync with package.json, so `npm install` rewrites nothing', async () => {
    const work = mkdtempSync(join(tmpdir(), 'rxnet-lock-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, file), join(work, file));
      const before = readFileSync(join(work, 'package-lock.json'), 'utf8');
      const result = await runInDirectory('npm', ['install', '--package-lock-only', '--ignore-scripts', ...NPM_INSTALL_FLAGS], work, 80000);
      expect(result.code, `npm install --package-lock-only failed:\n${result.stderr}`).to.equal(0);
      expect(readFileSync(join(work, 'package-lock.json'), 'utf8'), 'npm install changed package-lock.json: commit the updated one').to.equal(before);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
