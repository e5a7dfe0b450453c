/**
 * Counts a client's open sockets, so that closing it can wait for the last one: `opened` and
 * `closed` as each socket opens and closes, `drained()` resolves once none is open. Internal to
 * the UDP requesters.
 *
 * Example: `const sockets = new SocketCount(); openUdp({ port, onClosed: sockets.closed }); await sockets.drained();`
 */
export class SocketCount {
  private open = 0;
  private allClosed: (() => void) | undefined;

  /** Call when a socket is created. */
  readonly opened = (): void => {
    this.open += 1;
  };

  /** Call once a socket has closed. */
  readonly closed = (): void => {
    this.open -= 1;
    if (this.open === 0) this.allClosed?.();
  };

  /** Resolves once no socket is open (at once if none is). */
  drained(): Promise<void> {
    if (this.open === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.allClosed = resolve;
    });
  }
}
