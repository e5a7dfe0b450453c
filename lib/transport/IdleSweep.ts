import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';

/** A connection an {@link IdleSweep} watches: its last activity, in the sweep's ticks, and how to close it. */
export interface IdleTracked {
  /** The sweep's `tick` at its last read or write (set by the connection, a plain store). */
  activeTick: number;
  /** Closes it: it was silent both ways for the sweep's timeout. */
  closeIdle(): void;
}

/** Sweeps per timeout: a connection is closed between `timeoutMs` and `timeoutMs * 9 / 8` after its last activity. */
const TICKS_PER_TIMEOUT = 8;

/**
 * The idle timeout of one listener's connections, as one recurring sweep rather than a timer per
 * connection. A connection records activity by storing the sweep's `tick` (no clock read, no
 * timer refresh: Node's `socket.setTimeout` re-arms a timer on every read and every write, which
 * cost the server about 1.5% of its instructions at saturation); every `timeoutMs / 8` the
 * tick advances and each connection silent for more than 8 ticks is closed. So a connection is
 * closed no sooner than `timeoutMs` after its last read or write, and at most an eighth later.
 * The sweep runs only while it watches a connection.
 *
 * Example: `const sweep = new IdleSweep(120_000); sweep.track(connection); ... connection.activeTick = sweep.tick;`
 */
export class IdleSweep {
  /** Sweeps done so far. */
  tick = 0;
  private readonly tracked = new Set<IdleTracked>();
  private readonly periodMs: number;
  private running: Subscription | undefined;

  /** @param timeoutMs the silence after which a connection is closed (> 0); `scheduler` runs the sweeps (asyncScheduler by default). */
  constructor(
    readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {
    this.periodMs = timeoutMs / TICKS_PER_TIMEOUT;
  }

  /** Watches `connection` from now (as if it was just active), until {@link untrack}. */
  track(connection: IdleTracked): void {
    connection.activeTick = this.tick;
    this.tracked.add(connection);
    if (this.running === undefined) {
      const sweep = this;
      this.running = this.scheduler.schedule(function () {
        sweep.sweep();
        if (sweep.tracked.size > 0) this.schedule(undefined, sweep.periodMs);
        else sweep.running = undefined;
      }, this.periodMs);
    }
  }

  /** Stops watching `connection` (it closed). */
  untrack(connection: IdleTracked): void {
    this.tracked.delete(connection);
    if (this.tracked.size === 0) this.stop();
  }

  /** Stops the sweeps and forgets every connection. */
  close(): void {
    this.tracked.clear();
    this.stop();
  }

  private stop(): void {
    this.running?.unsubscribe();
    this.running = undefined;
  }

  private sweep(): void {
    this.tick += 1;
    const oldest = this.tick - TICKS_PER_TIMEOUT;
    for (const connection of this.tracked) {
      if (connection.activeTick < oldest) {
        this.tracked.delete(connection);
        connection.closeIdle();
      }
    }
  }
}
