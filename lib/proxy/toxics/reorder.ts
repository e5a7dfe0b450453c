import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { checkProbability } from '../../operators/checkProbability.js';
import { checkNonNegative, type ToxicEnvironment } from './ToxicOptions.js';

/** Options of {@link reorder}. */
export interface ReorderOptions extends ToxicEnvironment {
  /** The probability, 0-1, that a datagram is held back. Defaults to 0. */
  readonly rate?: number;
  /** A held datagram goes out after this many later ones have passed. Defaults to 1. */
  readonly gap?: number;
  /** ...or after this many ms, whichever comes first, so a quiet flow is not starved. Defaults to 100. */
  readonly delay?: number;
}

/** A held datagram: how many more must pass before it goes, and its deadline. */
interface Held<T> {
  readonly value: T;
  left: number;
  timer: Subscription | undefined;
}

/**
 * Reorders datagrams: one whose roll is below `rate` is held back and let go right after `gap`
 * later datagrams have passed, or `delay` ms after it came, whichever is first. Nothing is lost;
 * completion lets the held ones go first.
 *
 * ```
 * random:   0.1  0.9  0.9     rate 0.5, gap 1
 * --a--b--c--|   ->   -----(ba)--c--|
 * ```
 *
 * Example: `datagrams$.pipe(reorder({ rate: 0.1, gap: 3 }))`
 *
 * @param options.rate defaults to 0; options.gap defaults to 1; options.delay defaults to 100.
 * @see duplicate, datagramLatency
 */
export function reorder<T>(options: ReorderOptions = {}): MonoTypeOperatorFunction<T> {
  const rate = options.rate ?? 0;
  const gap = options.gap ?? 1;
  const delay = options.delay ?? 100;
  checkProbability('rate', rate);
  checkNonNegative('gap', gap);
  checkNonNegative('delay', delay);
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  return (source) =>
    new Observable<T>((subscriber) => {
      /** Held datagrams, oldest first, with how many more must pass and their timer. */
      const held: Held<T>[] = [];
      const release = (entry: Held<T>): void => {
        const index = held.indexOf(entry);
        if (index < 0) return;
        held.splice(index, 1);
        entry.timer?.unsubscribe();
        subscriber.next(entry.value);
      };
      const subscription = source.subscribe({
        next: (value) => {
          if (random() < rate) {
            if (gap === 0) return subscriber.next(value);
            const entry: Held<T> = { value, left: gap, timer: undefined };
            held.push(entry);
            entry.timer = scheduler.schedule(() => release(entry), delay);
            return;
          }
          subscriber.next(value);
          for (const entry of [...held]) {
            entry.left -= 1;
            if (entry.left <= 0) release(entry);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          for (const entry of [...held]) release(entry);
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        for (const entry of held) entry.timer?.unsubscribe();
        held.length = 0;
      };
    });
}
