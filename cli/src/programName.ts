import { basename, isAbsolute, relative } from 'node:path';

/** The commands of `rxnet`. */
export type CommandName = 'server' | 'client' | 'discover';

/** The launchers that run one command on their own: cli/server.js, and its npm bin rxnet-server. */
const OWN_LAUNCHERS: Readonly<Record<CommandName, readonly string[]>> = {
  server: ['server', 'rxnet-server'],
  client: ['client', 'rxnet-client'],
  discover: [],
};

/**
 * How to start `command` again the way this process was started, for usage lines; without a
 * command, how to start `rxnet` itself. Taken from process.argv[1], the script node ran: an npm
 * bin on the PATH is shown by its name (`rxnet-server`, `rxnet server`), a script run by node as
 * `node` and its path from the working directory (`node cli/server.js`, `node cli/rxnet.js
 * server`). Anything else (a test runner) gives `rxnet COMMAND`.
 *
 * Example: `programName('server', '/usr/local/bin/rxnet')` is `'rxnet server'`.
 *
 * @param script defaults to process.argv[1].
 * @param cwd defaults to process.cwd().
 */
export function programName(command?: CommandName, script = process.argv[1] ?? '', cwd = process.cwd()): string {
  const file = basename(script);
  const name = file.replace(/\.[cm]?js$/, '');
  const path = relative(cwd, script);
  const shown = name === file ? name : `node ${path === '' || path.startsWith('..') || isAbsolute(path) ? script : path}`;
  if (name === 'rxnet') return command === undefined ? shown : `${shown} ${command}`;
  if (command === undefined) return 'rxnet';
  return OWN_LAUNCHERS[command].includes(name) ? shown : `rxnet ${command}`;
}
