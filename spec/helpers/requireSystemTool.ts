import { execFileSync } from 'node:child_process';

/**
 * Fails the calling test loudly when a system tool it needs is missing, naming the Debian package
 * that brings it. `.ci/run` installs every such package; a machine without one fails the test that
 * needs it instead of passing it silently.
 *
 * Example: `before(() => requireSystemTool('gssdp-discover', 'gupnp-tools'))`
 */
export function requireSystemTool(command: string, debianPackage: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${command} is not installed: run \`apt-get install ${debianPackage}\` (.ci/run does)`);
  }
}
