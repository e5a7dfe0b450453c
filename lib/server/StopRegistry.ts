import { take, type Observable, type Subscription } from 'rxjs';

/**
 * One subscription to a graceful stop shared by every connection of a server, instead of an
 * operator chain per connection (an idle connection then costs one Set entry). It subscribes to
 * `stop$` at the first {@link add}, so after the listener that accepted the connection did.
 * Internal to serveTcp.
 *
 * Example: `const forget = stops.add(() => connection.end());`
 */
export class StopRegistry {
  private readonly waiting = new Set<() => void>();
  private stopped = false;
  private subscription: Subscription | undefined;

  constructor(private readonly stop$: Observable<unknown> | undefined) {}

  /** Calls `onStop` once a stop is asked (at once if it already was); returns a function that forgets it. */
  add(onStop: () => void): () => void {
    if (this.stop$ === undefined) return () => {};
    this.subscription ??= this.stop$.pipe(take(1)).subscribe(() => {
      this.stopped = true;
      const waiting = [...this.waiting];
      this.waiting.clear();
      for (const stop of waiting) stop();
    });
    if (this.stopped) {
      onStop();
      return () => {};
    }
    this.waiting.add(onStop);
    return () => this.waiting.delete(onStop);
  }

  /** Unsubscribes from `stop$` and forgets every waiting connection; a later add starts afresh. */
  dispose(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.stopped = false;
    this.waiting.clear();
  }
}
