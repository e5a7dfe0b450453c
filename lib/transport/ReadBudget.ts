/** A connection with read bytes waiting to be handed on, as a {@link ReadBudget} serves it. */
export interface QueuedReader {
  /**
   * Hands on at most `maxBytes` of the bytes it holds and returns how many it handed on (0 if it
   * cannot now). If it still holds bytes and may go on, it queues itself again with `enqueue`.
   */
  readSlice(maxBytes: number): number;
}

/** Options of {@link ReadBudget}. */
export interface ReadBudgetOptions {
  /**
   * Waiting bytes handed on per turn of the event loop, round-robin, across all connections.
   * Defaults to 8 KiB (about 1,000 short requests, 1-2 ms of work), so that busy connections
   * keep a turn short and the accepts, one per turn, go on.
   */
  readonly bytesPerTurn?: number;
  /**
   * Bytes just read handed on at once per turn, across all connections (the rest waits its turn).
   * Defaults to 32 KiB: enough for 64 connections pipelining 32 requests each to go unqueued,
   * while a connection the queue just served queues again (see take), so busy ones leave it to
   * new and light connections.
   */
  readonly freshBytesPerTurn?: number;
  /** The largest slice one connection gets at a time. Defaults to 4 KiB. */
  readonly maxSliceBytes?: number;
  /** The smallest slice, however many connections wait. Defaults to 512 bytes. */
  readonly minSliceBytes?: number;
  /** Runs a task on the next turn of the event loop; returns a cancel. Defaults to setImmediate. */
  readonly nextTurn?: (task: () => void) => () => void;
}

export const READ_BUDGET_DEFAULTS = Object.freeze({ bytesPerTurn: 8 * 1024, freshBytesPerTurn: 32 * 1024, maxSliceBytes: 4096, minSliceBytes: 512 });

/** What a slice costs the budget at least, whatever its size: its fixed cost, and what ends a turn of empty slices. */
const SLICE_COST_BYTES = 64;

/** Stands for the turn being served now: nothing to cancel, and no other turn to schedule meanwhile. */
const SERVING = (): void => {};

const onNextTurn = (task: () => void): (() => void) => {
  const immediate = setImmediate(task);
  return () => clearImmediate(immediate);
};

/**
 * The work of one event-loop turn, shared fairly by all connections of one listener. Bytes just
 * read are handed on at once while this turn's `freshBytesPerTurn` lasts (`take`); what is left
 * waits in one round-robin queue (`enqueue`), served once per turn, up to `bytesPerTurn` in all,
 * each connection in turn getting a slice of `bytesPerTurn / waiting` bytes (within min and max).
 * So a turn never hands on more than both budgets and a slice, however many connections are
 * busy, and a connection that just arrived waits a turn or a few, not a slice of every busy
 * connection. Short turns matter beyond fairness: Node accepts one connection per turn.
 *
 * Example: `const budget = new ReadBudget(); if (budget.take(chunk.length)) handOn(chunk); else budget.enqueue(reader);`
 *
 * @see createTcpConnection
 */
export class ReadBudget {
  readonly bytesPerTurn: number;
  readonly freshBytesPerTurn: number;
  readonly maxSliceBytes: number;
  readonly minSliceBytes: number;
  private readonly nextTurn: (task: () => void) => () => void;
  /** Bytes handed on at once since the last turn was served. */
  private spent = 0;
  /**
   * The number of the turn served last (or being served). A reader served in it should queue
   * its next bytes rather than `take` them: the bytes granted at once are for the connections
   * the queue did not just serve (those that just arrived, and light ones).
   */
  turn = 0;
  /** The round-robin queue: `queue[head]` is served next. */
  private queue: QueuedReader[] = [];
  private head = 0;
  private cancelTurn: (() => void) | undefined;

  constructor(options: ReadBudgetOptions = {}) {
    this.bytesPerTurn = options.bytesPerTurn ?? READ_BUDGET_DEFAULTS.bytesPerTurn;
    this.freshBytesPerTurn = options.freshBytesPerTurn ?? READ_BUDGET_DEFAULTS.freshBytesPerTurn;
    this.maxSliceBytes = options.maxSliceBytes ?? READ_BUDGET_DEFAULTS.maxSliceBytes;
    this.minSliceBytes = Math.min(this.maxSliceBytes, options.minSliceBytes ?? READ_BUDGET_DEFAULTS.minSliceBytes);
    this.nextTurn = options.nextTurn ?? onNextTurn;
  }

  /** Readers waiting now. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /**
   * Takes `bytes` of this turn's budget for bytes just read: true means hand them on now. The
   * budget is renewed by the next turn once half of it is spent: light traffic (one request per
   * read) schedules no turn at all, so it costs no extra turn of the event loop per read, and
   * bytes taken in earlier turns only ever make a turn's share smaller, never larger.
   */
  take(bytes: number): boolean {
    if (this.spent >= this.freshBytesPerTurn) return false;
    this.spent += bytes;
    if (this.spent * 2 >= this.freshBytesPerTurn) this.schedule();
    return true;
  }

  /** Queues `reader` once more, behind those waiting; it is served on a coming turn. */
  enqueue(reader: QueuedReader): void {
    this.queue.push(reader);
    this.schedule();
  }

  /** Forgets every waiting reader and the coming turn. */
  close(): void {
    this.cancelTurn?.();
    this.cancelTurn = undefined;
    this.queue = [];
    this.head = 0;
    this.spent = 0;
  }

  private schedule(): void {
    this.cancelTurn ??= this.nextTurn(this.serveTurn);
  }

  /** One turn: slices round-robin until the budget is spent; then a fresh budget for the next reads. */
  private readonly serveTurn = (): void => {
    this.cancelTurn = SERVING; // readers queued again meanwhile are served by this turn, or scheduled below
    this.turn += 1;
    let left = this.bytesPerTurn;
    while (left > 0 && this.head < this.queue.length) {
      const reader = this.queue[this.head] as QueuedReader;
      this.head += 1;
      const fair = Math.floor(this.bytesPerTurn / (this.waiting + 1));
      const slice = Math.min(left, Math.max(this.minSliceBytes, Math.min(this.maxSliceBytes, fair)));
      left -= Math.max(SLICE_COST_BYTES, reader.readSlice(slice));
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.spent = 0;
    this.cancelTurn = undefined;
    if (this.waiting > 0) this.schedule();
  };
}
