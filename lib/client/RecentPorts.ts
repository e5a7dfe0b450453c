/**
 * The local ports a client's most recent UDP requests used. A fresh socket that lands on one of
 * them is discarded: a late reply meant for an earlier request, still in flight to that port,
 * could otherwise be read as the answer to the new one. Internal to the UDP client.
 *
 * Example:
 * ```ts
 * const recent = new RecentPorts(64);
 * recent.add(51000);
 * recent.has(51000); // true, until 64 newer ports were added
 * ```
 */
export class RecentPorts {
  private readonly ports = new Set<number>();

  /** @param capacity how many ports to remember. Defaults to 256. */
  constructor(readonly capacity = 256) {}

  /** True when `port` was used by one of the last `capacity` requests. */
  has(port: number): boolean {
    return this.ports.has(port);
  }

  /** Remembers `port` as the newest, forgetting the oldest beyond `capacity`. */
  add(port: number): void {
    this.ports.delete(port);
    this.ports.add(port);
    if (this.ports.size > this.capacity) {
      const oldest = this.ports.values().next().value as number;
      this.ports.delete(oldest);
    }
  }
}

/**
 * The recent ports of this process's UDP requests, which every udpRequest uses unless given its
 * own: local ports belong to the process, not to a client, so a socket of one client can land on
 * a port another client's request has just let go. Sized for many clients at once.
 *
 * Example: `udpRequest(line, { port })` quarantines in PROCESS_RECENT_PORTS.
 */
export const PROCESS_RECENT_PORTS = new RecentPorts(1024);
