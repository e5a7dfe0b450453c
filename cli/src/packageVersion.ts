import { readFileSync } from 'node:fs';

/** rxnet's package.json, from this file's place in the build: dist/cli/src/. */
const PACKAGE_JSON = new URL('../../../package.json', import.meta.url);

/**
 * The version in rxnet's package.json: what `--version` prints.
 *
 * Example: `packageVersion()` is `'0.1.0'`.
 */
export function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}
