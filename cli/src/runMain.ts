import { isRxnetError } from '../../lib/index.js';
import { packageVersion } from './packageVersion.js';

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * Runs a command's main function and turns what it throws into a one-line message and an exit
 * code: usage mistakes (an invalid option) exit 2, any other rxnet error 1, and only a real bug
 * prints a stack trace. `--version` (VersionRequested) prints the package's version and exits 0.
 *
 * Example: `runMain('rxnet server', () => main(process.argv.slice(2)))`
 */
export function runMain(name: string, main: () => Promise<number | undefined>): void {
  main().then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof VersionRequested) {
        process.stdout.write(`${packageVersion()}\n`);
        process.exitCode = EXIT_OK;
      } else if (isRxnetError(err)) {
        process.stderr.write(`${name}: ${err.message}\n`);
        process.exitCode = err.code === 'ERR_RXNET_INVALID_OPTION' ? EXIT_USAGE : EXIT_FAILED;
      } else if (err instanceof UsageError) {
        process.stderr.write(`${name}: ${err.message}\n`);
        process.exitCode = EXIT_USAGE;
      } else {
        process.stderr.write(`${name}: unexpected error\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exitCode = EXIT_FAILED;
      }
    },
  );
}

/** A mistake on the command line that is not about one flag's value (a stray argument...). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Thrown by parseFlags for `--version`, which every command takes: the command stops there and
 * runMain prints the version. Not an error of the user's.
 */
export class VersionRequested extends Error {
  override readonly name = 'VersionRequested';

  constructor() {
    super('--version');
  }
}
