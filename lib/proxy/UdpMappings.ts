import type { SchedulerLike, Subscription } from 'rxjs';

/** One client's mapping as the table keeps it. */
export interface UdpMapping {
  /** Closes the mapping's upstream socket and pipelines. Called once, by the table. */
  close(): void;
}

/** Options of {@link UdpMappings}. */
export interface UdpMappingsOptions {
  /** A mapping with no datagram either way for this long is closed. */
  readonly idleTimeoutMs: number;
  /** At most this many mappings; a new client beyond it evicts the least recently active one. */
  readonly maxMappings: number;
  readonly scheduler: SchedulerLike;
}

/**
 * The UDP proxy's table of client mappings (`address:port` -> its upstream socket), bounded and
 * expiring: each is closed after `idleTimeoutMs` without traffic, and past `maxMappings` the
 * least recently active one goes. Internal to the UDP proxy.
 *
 * Example: `const table = new UdpMappings({ idleTimeoutMs: 60000, maxMappings: 1024, scheduler: asyncScheduler })`
 */
export class UdpMappings<M extends UdpMapping> {
  /** Oldest activity first (a touch moves an entry to the end). */
  private readonly entries = new Map<string, { mapping: M; lastActive: number; timer: Subscription }>();

  constructor(private readonly options: UdpMappingsOptions) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): M | undefined {
    return this.entries.get(key)?.mapping;
  }

  /** Adds a mapping, evicting the least recently active ones to stay within the bound. */
  add(key: string, mapping: M): void {
    while (this.entries.size >= this.options.maxMappings) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
    const entry = { mapping, lastActive: this.options.scheduler.now(), timer: this.expireLater(key, this.options.idleTimeoutMs) };
    this.entries.set(key, entry);
  }

  /** Notes traffic on a mapping: it is now the most recently active, and its idle clock restarts. */
  touch(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    entry.lastActive = this.options.scheduler.now();
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  /** Closes and forgets a mapping (no-op for an unknown key). */
  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    entry.timer.unsubscribe();
    entry.mapping.close();
  }

  /** Closes every mapping. */
  clear(): void {
    for (const key of [...this.entries.keys()]) this.delete(key);
  }

  private expireLater(key: string, delay: number): Subscription {
    return this.options.scheduler.schedule(() => {
      const entry = this.entries.get(key);
      if (entry === undefined) return;
      const idle = this.options.scheduler.now() - entry.lastActive;
      if (idle >= this.options.idleTimeoutMs) this.delete(key);
      else entry.timer = this.expireLater(key, this.options.idleTimeoutMs - idle);
    }, delay);
  }
}
