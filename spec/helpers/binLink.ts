import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './childProcess.js';

/**
 * Links `name` to the launcher `script` (e.g. `cli/server.js`) in a fresh directory, as npm
 * links a package's bin, and runs `use` with the link's path; removes the directory after.
 *
 * Example: `await withBinLink('cli/server.js', 'rxnet-server', (bin) => runCli(bin, ['--help']))`
 */
export async function withBinLink<T>(script: string, name: string, use: (bin: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'rxnet-bin-'));
  try {
    const bin = join(dir, name);
    symlinkSync(join(ROOT, script), bin);
    return await use(bin);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
