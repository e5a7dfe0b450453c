import { Observable, type SchedulerLike, type Subscription } from 'rxjs';

/** What {@link timedQueue} emits for one value: pieces with their times, and when the next value may start. */
export interface TimedPlan<T> {
  readonly pieces: readonly { readonly at: number; readonly value: T }[];
  readonly next: number;
}

/**
 * Emits values in order, each piece no earlier than its time: the shared engine of the delaying
 * toxics. `plan(value, start, arrival)` is called when a value reaches the head of the queue;
 * `start` is when the value before it let go (or now), `arrival` when it came. Completion waits
 * for the queue and the last `next`; errors pass at once. Internal to the toxics.
 *
 * Example: `timedQueue(source, scheduler, (chunk, start) => ({ pieces: [{ at: start + 10, value: chunk }], next: start + 10 }))`
 */
export function timedQueue<T>(
  source: Observable<T>,
  scheduler: SchedulerLike,
  plan: (value: T, start: number, arrival: number) => TimedPlan<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const arrived: { value: T; at: number }[] = [];
    let planned: { at: number; value: T }[] = [];
    let free = -Infinity;
    let ended = false;
    let running = false;
    let timer: Subscription | undefined;
    const schedule = (at: number): void => {
      timer = scheduler.schedule(() => {
        timer = undefined;
        run();
      }, Math.max(0, at - scheduler.now()));
    };
    const run = (): void => {
      if (running || timer !== undefined) return;
      running = true;
      try {
        for (;;) {
          const piece = planned[0];
          if (piece !== undefined) {
            if (piece.at > scheduler.now()) return schedule(piece.at);
            planned.shift();
            subscriber.next(piece.value);
            continue;
          }
          const head = arrived.shift();
          if (head === undefined) break;
          const next = plan(head.value, Math.max(free, scheduler.now()), head.at);
          planned = [...next.pieces];
          free = next.next;
        }
        if (!ended) return;
        if (free > scheduler.now()) return schedule(free);
        subscriber.complete();
      } finally {
        running = false;
      }
    };
    const subscription = source.subscribe({
      next: (value) => {
        arrived.push({ value, at: scheduler.now() });
        run();
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => {
        ended = true;
        run();
      },
    });
    return () => {
      subscription.unsubscribe();
      timer?.unsubscribe();
    };
  });
}
