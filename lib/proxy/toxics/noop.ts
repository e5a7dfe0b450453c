import { identity, type MonoTypeOperatorFunction } from 'rxjs';

/**
 * The toxic that does nothing: every value passes as it came (toxiproxy's `noop`).
 *
 * ```
 * --a--b--|  ->  --a--b--|
 * ```
 *
 * Example: `chunks$.pipe(noop())`
 *
 * @see latency
 */
export function noop<T>(): MonoTypeOperatorFunction<T> {
  return identity;
}
