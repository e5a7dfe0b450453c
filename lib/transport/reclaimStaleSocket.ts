import { lstat, unlink } from 'node:fs';
import { connect, type Socket } from 'node:net';

/** A Node-style EADDRINUSE error for `path`, saying why it cannot be used. */
function inUse(path: string, reason: string): Error {
  return Object.assign(new Error(`listen EADDRINUSE: ${reason}`), { code: 'EADDRINUSE', syscall: 'listen', address: path });
}

/**
 * After listening on the Unix socket `path` failed with EADDRINUSE: removes the socket file if
 * nothing answers on it (a connection is refused: the process that made it crashed or was
 * killed), so that the caller can listen again, as many servers do. Calls `done()` once the path
 * is free, or `done(err)` with an EADDRINUSE error saying why it is left alone: another process
 * is listening on it, or it is not a socket (never removed). Returns a function that cancels
 * the check; `done` is not called after it.
 *
 * ```
 * lstat: a socket -> connect: refused -> unlink -> done()
 *                            connected -> done(EADDRINUSE: another process is listening on PATH)
 * lstat: not a socket ------------------------> done(EADDRINUSE: PATH exists and is not a socket)
 * ```
 *
 * Example: `const cancel = reclaimStaleSocket('/tmp/calc.sock', (err) => (err ? fail(err) : listenAgain()))`
 *
 * @see listenTcp
 */
export function reclaimStaleSocket(path: string, done: (err?: Error) => void): () => void {
  let cancelled = false;
  let probe: Socket | undefined;
  const finish = (err?: Error): void => {
    if (!cancelled) done(err);
  };
  const remove = (): void =>
    unlink(path, (err) => finish(err === null || err.code === 'ENOENT' ? undefined : inUse(path, `cannot remove the stale socket ${path} (${err.code ?? err.message})`)));

  lstat(path, (err, stats) => {
    if (cancelled) return;
    if (err !== null) return finish(err.code === 'ENOENT' ? undefined : inUse(path, `cannot inspect ${path} (${err.code ?? err.message})`));
    if (!stats.isSocket()) return finish(inUse(path, `${path} exists and is not a socket (left in place)`));
    const socket = (probe = connect({ path }));
    socket.once('connect', () => {
      socket.destroy();
      finish(inUse(path, `another process is listening on ${path}`));
    });
    socket.once('error', (probeErr: NodeJS.ErrnoException) => {
      socket.destroy();
      if (cancelled) return;
      if (probeErr.code === 'ECONNREFUSED') remove();
      else if (probeErr.code === 'ENOENT') finish();
      else finish(inUse(path, `${path} is in use and does not accept connections (${probeErr.code ?? probeErr.message})`));
    });
  });

  return () => {
    cancelled = true;
    probe?.destroy();
  };
}
