import { asyncScheduler, BehaviorSubject, distinctUntilChanged, Observable, type SchedulerLike } from 'rxjs';
import { BrokenCircuitError, BulkheadRejectedError } from '../errors.js';
import type { Backoff } from './backoff/Backoff.js';
import { constantBackoff } from './backoff/constantBackoff.js';
import type { Breaker } from './breakers/Breaker.js';
import { CIRCUIT_CLOSED, CIRCUIT_HALF_OPEN, CIRCUIT_OPEN, type CircuitState } from './CircuitState.js';
import { checkOption, isBackoff, isNonNegativeNumber, isSchedulerOrUndefined } from './checkOption.js';

/** Options of {@link circuitBreaker}. */
export interface CircuitBreakerOptions {
  /** When to open: consecutiveBreaker(n), countBreaker({...}) or samplingBreaker({...}). One per circuit. */
  readonly breaker: Breaker;
  /**
   * How long the circuit stays open before it lets a trial request through, in ms, or a Backoff
   * whose n-th wait is for the n-th opening in a row (its last wait repeats once it ends).
   */
  readonly halfOpenAfter: number | Backoff;
  /** Which errors are failures of the server. Defaults to every error but another policy's refusal (BrokenCircuitError, BulkheadRejectedError). */
  readonly isFailure?: (err: unknown) => boolean;
  /** The clock of `halfOpenAfter` and of a samplingBreaker. Defaults to RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * A circuit breaker: an operator to apply to every request of one client (it keeps that
 * client's circuit), with the circuit's state as `state` and `state$`.
 */
export interface CircuitBreaker {
  /** Applies the circuit to one request (`request$.pipe(breaker)`). */
  <T>(source: Observable<T>): Observable<T>;
  /** The current state: CIRCUIT_CLOSED, CIRCUIT_OPEN or CIRCUIT_HALF_OPEN. */
  readonly state: CircuitState;
  /** The state now and at every change. Never completes. */
  readonly state$: Observable<CircuitState>;
}

/** The default failure rule: a refusal by another policy says nothing about the server. */
function isServerFailure(err: unknown): boolean {
  return !(err instanceof BrokenCircuitError || err instanceof BulkheadRejectedError);
}

/**
 * Stops sending requests to a server that keeps failing (cockatiel's CircuitBreakerPolicy as an
 * RxJS operator). Each request's outcome (its first value or completion is a success, an error
 * that `isFailure` accepts a failure, an unsubscription before either nothing) goes to the
 * breaker; when it trips, the circuit opens and every request errors at once, on subscription,
 * with a BrokenCircuitError. The first request after `halfOpenAfter` is the trial (half-open):
 * its success closes the circuit, its failure opens it again. While the trial is in flight,
 * other requests are refused too (cockatiel issue #107). There is no timer: the circuit turns
 * half-open when a request comes, so `state$` says `half-open` only then.
 *
 * ```
 * requests:  -a-b-c------------d----e--     (each fails but d; consecutiveBreaker(2), halfOpenAfter 10)
 * result:    -#-#-#------------d----e--     b trips it; c refused; d (after 10) is the trial and closes it
 * state$:    c--o--------------hc-------    c closed, o open, h half-open
 * ```
 *
 * Example:
 * ```ts
 * const breaker = circuitBreaker({ breaker: consecutiveBreaker(5), halfOpenAfter: 10_000 });
 * breaker.state$.subscribe((state) => console.error(`circuit ${state}`));
 * const answer$ = request$.pipe(replyTimeout({ ms: 1000 }), backoffRetry({ backoff }), breaker);
 * ```
 *
 * @throws RxnetInvalidOptionError for a missing breaker or a bad halfOpenAfter, at once.
 * @see consecutiveBreaker, countBreaker, samplingBreaker, BrokenCircuitError, docs/policies.md
 */
export function circuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { breaker, halfOpenAfter, isFailure = isServerFailure, scheduler = asyncScheduler } = options;
  const isBreaker = typeof breaker?.success === 'function' && typeof breaker?.failure === 'function';
  checkOption('breaker', breaker, isBreaker, 'a breaker (consecutiveBreaker, countBreaker, samplingBreaker)');
  checkOption('halfOpenAfter', halfOpenAfter, isNonNegativeNumber(halfOpenAfter) || isBackoff(halfOpenAfter), 'a number of milliseconds of at least 0, or a Backoff');
  checkOption('isFailure', isFailure, typeof isFailure === 'function', 'a function (err) => boolean');
  checkOption('scheduler', scheduler, isSchedulerOrUndefined(scheduler), 'an RxJS scheduler');
  const openWaits: Backoff = typeof halfOpenAfter === 'number' ? constantBackoff(halfOpenAfter) : halfOpenAfter;

  const state = new BehaviorSubject<CircuitState>(CIRCUIT_CLOSED);
  let waits = openWaits[Symbol.iterator]();
  let openFor = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const open = (now: number): void => {
    const next = waits.next();
    if (next.done !== true) openFor = next.value;
    openedAt = now;
    state.next(CIRCUIT_OPEN);
  };
  const close = (): void => {
    waits = openWaits[Symbol.iterator]();
    state.next(CIRCUIT_CLOSED);
  };

  const operator = <T>(source: Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      const now = scheduler.now();
      if (state.value === CIRCUIT_OPEN) {
        const retryAfterMs = openedAt + openFor - now;
        if (retryAfterMs > 0) {
          subscriber.error(new BrokenCircuitError({ state: CIRCUIT_OPEN, retryAfterMs }));
          return undefined;
        }
        state.next(CIRCUIT_HALF_OPEN);
      }
      const trial = state.value === CIRCUIT_HALF_OPEN;
      if (trial) {
        if (trialInFlight) {
          subscriber.error(new BrokenCircuitError({ state: CIRCUIT_HALF_OPEN, retryAfterMs: 0 }));
          return undefined;
        }
        trialInFlight = true;
      }

      let settled = false;
      /** Reports this request's outcome once: true a failure, false a success, undefined neither. */
      const settle = (failed: boolean | undefined): void => {
        if (settled) return;
        settled = true;
        const at = scheduler.now();
        if (trial) {
          trialInFlight = false;
          if (failed === undefined) return;
          if (failed) {
            breaker.failure(CIRCUIT_HALF_OPEN, at);
            open(at);
          } else {
            breaker.success(CIRCUIT_HALF_OPEN, at);
            close();
          }
          return;
        }
        // A request let through while closed that ends after the circuit opened tells nothing new.
        if (state.value !== CIRCUIT_CLOSED || failed === undefined) return;
        if (!failed) breaker.success(CIRCUIT_CLOSED, at);
        else if (breaker.failure(CIRCUIT_CLOSED, at)) open(at);
      };

      const subscription = source.subscribe({
        next: (value) => {
          settle(false);
          subscriber.next(value);
        },
        error: (err: unknown) => {
          // Settle first, so that a retry outside sees the circuit as this failure left it.
          // An error that is no failure of the server counts for nothing, but ends a trial as a success (cockatiel).
          settle(isFailure(err) ? true : trial ? false : undefined);
          subscriber.error(err);
        },
        complete: () => {
          settle(false);
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        settle(undefined);
      };
    });

  return Object.defineProperties(operator, {
    state: { get: () => state.value, enumerable: true },
    state$: { value: state.pipe(distinctUntilChanged()), enumerable: true },
  }) as CircuitBreaker;
}
