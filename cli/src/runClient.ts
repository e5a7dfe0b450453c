import { firstValueFrom } from 'rxjs';
import { createCalcClient, isClosedError, isTimeoutError } from '../../lib/index.js';
import { isServerGone, type ClientRequest } from './clientCommand.js';
import { EXIT_FAILED, EXIT_OK } from './runMain.js';

/** Where the client command writes. */
export interface ClientIo {
  /** One answer line (stdout). */
  out(line: string): void;
  /** One message line (stderr). */
  err(line: string): void;
  /** Shows the prompt again (interactive sessions only). */
  prompt?(): void;
}

/** `150 ms` or `3.1 s`. */
function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** How a session runs. */
export interface ClientSession {
  /**
   * An interactive session (a terminal): it says which server it talks to first, and a server
   * that goes away does not end it. That request's failure is reported, and each later request
   * first reconnects with the client's reconnect schedule (`connect()`), so it is answered once
   * the server is back. Defaults to false: a server that cannot be reached ends the session.
   */
  readonly interactive?: boolean;
}

/**
 * Sends each request in turn and prints its answer; returns the exit status. A request with no
 * answer prints one line on `io.err` and the loop goes on; a server that cannot be reached ends
 * it with one line, unless the session is interactive (see ClientSession). With `--wiretap`,
 * the bytes of every connection or datagram go to `io.err` too, one entry each.
 *
 * Example: `await runClient(parseClientArgs(['+,1,1']), ['+,1,1'], { out: console.log, err: console.error })`
 */
export async function runClient(
  request: Extract<ClientRequest, { help: false }>,
  lines: AsyncIterable<string> | Iterable<string>,
  io: ClientIo,
  session: ClientSession = {},
): Promise<number> {
  let attempts = 0;
  const wiretap = request.wiretap === undefined ? {} : { wiretap: { format: request.wiretap, log: io.err } };
  const client = createCalcClient({ ...request.options, ...wiretap, onAttempt: (_line, attempt) => (attempts = attempt) });
  const interactive = session.interactive === true;
  let unanswered = 0;
  try {
    if (interactive) {
      try {
        await client.connect();
      } catch (err) {
        io.err(`rxnet client: ${(err as Error).message}`);
        return EXIT_FAILED;
      }
      io.err(`${request.options.transport === 'udp' ? 'sending to' : 'connected to'} ${client.address}`);
      io.prompt?.();
    }
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === '') {
        io.prompt?.();
        continue;
      }
      attempts = 0;
      const started = performance.now();
      try {
        // Interactive: after the server went away the client has given up; connect() starts over
        // (at once when still connected), so the request waits for the server to come back.
        if (interactive) await client.connect();
        io.out((await firstValueFrom(client.request(line))).text);
      } catch (err) {
        if (isServerGone(err) && !interactive) {
          io.err(`rxnet client: ${(err as Error).message}`);
          return EXIT_FAILED;
        }
        if (isClosedError(err)) return EXIT_FAILED;
        unanswered += 1;
        io.err(describeFailure(line, err, attempts, performance.now() - started));
      }
      io.prompt?.();
    }
  } finally {
    await client.close();
  }
  return unanswered === 0 ? EXIT_OK : EXIT_FAILED;
}

/** One stderr line for a request that got no answer: which request, how many attempts, how long, why. */
function describeFailure(line: string, err: unknown, attempts: number, elapsedMs: number): string {
  const shown = JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}...` : line);
  if (isTimeoutError(err)) {
    const n = err.info.attempts;
    return `rxnet client: no answer to ${shown} after ${n} attempt${n === 1 ? '' : 's'} in ${formatDuration(err.info.elapsedMs)}`;
  }
  const reason = err instanceof Error ? err.message : String(err);
  if (attempts === 0) return `rxnet client: no answer to ${shown}: ${reason}`; // it could not even be sent
  return `rxnet client: no answer to ${shown} after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${formatDuration(elapsedMs)}: ${reason}`;
}
