import { identity, lastValueFrom, take, tap, toArray, type Observable } from 'rxjs';
import type { DiscoveredService } from '../../lib/index.js';
import { UsageError } from './runMain.js';

/** What {@link pickServer} needs from the command line. */
export interface PickIo {
  /** One line on stderr: the servers found, the one picked, why none was. */
  err(line: string): void;
  /** Asks the user on the terminal and resolves with the answer, or undefined at end of input. Absent when stdin is not a terminal. */
  ask?: ((question: string) => Promise<string | undefined>) | undefined;
}

/**
 * `client --discover`: lists each server that answers, as `[n] transport://host:port` on stderr
 * while they answer, and picks one:
 * - `first`: the first to answer (the search stops there);
 * - otherwise, once the window has ended: the only one, if exactly one answered; else, on a
 *   terminal, the one the user picks by number (asked again until it is one of the list);
 *   without a terminal, a UsageError: a script must say which (`--first`).
 * Resolves with undefined, after one line on stderr, when none answered (or the user ended the
 * input instead of picking). Prints `using <location>` once one is picked.
 *
 * ```
 * found$ --a----b----|        first: a
 *        --a----b----|        terminal: [1] a, [2] b, "Pick a server (1-2): " -> b
 * ```
 *
 * Example: `const server = await pickServer(discover({ mx: 1 }), { first: false, windowS: 2 }, { err: console.error })`
 */
export async function pickServer(
  found$: Observable<DiscoveredService>,
  choice: { readonly first: boolean; readonly windowS: number },
  io: PickIo,
): Promise<DiscoveredService | undefined> {
  let listed = 0;
  const servers = await lastValueFrom(
    found$.pipe(
      choice.first ? take(1) : identity,
      tap((server) => io.err(`[${++listed}] ${server.location}`)),
      toArray(),
    ),
  );
  if (servers.length === 0) {
    io.err(`rxnet client: no server answered within ${choice.windowS} s`);
    return undefined;
  }
  const picked = choice.first || servers.length === 1 ? servers[0] : await askForOne(servers, io);
  if (picked !== undefined) io.err(`rxnet client: using ${picked.location}`);
  return picked;
}

/** Asks on the terminal until the answer is the number of a server; undefined at end of input. */
async function askForOne(servers: readonly DiscoveredService[], { err, ask }: PickIo): Promise<DiscoveredService | undefined> {
  if (ask === undefined) {
    throw new UsageError(`${servers.length} servers answered; pick one with --first, or run in a terminal to choose`);
  }
  for (;;) {
    const answer = await ask(`Pick a server (1-${servers.length}): `);
    if (answer === undefined) {
      err('rxnet client: no server picked');
      return undefined;
    }
    const server = /^\s*\d+\s*$/.test(answer) ? servers[Number(answer) - 1] : undefined;
    if (server !== undefined) return server;
    err(`rxnet client: "${answer.trim()}" is not one of 1-${servers.length}`);
  }
}
