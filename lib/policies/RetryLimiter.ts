/**
 * What a retry budget or a retry throttle keeps for one client: the outcomes of its requests,
 * and whether one more attempt may go out. Create one per client (per server), share it among
 * all its requests, and hand it to the policies that send again: `backoffRetry({ limiter })`,
 * `hedge({ limiter })`. They call it in this order for each request:
 *
 * ```
 * onRequest()                      once, when the request starts
 * onSuccess() | onFailure()        for every attempt that answers, or fails worth retrying
 * tryRetry()                       before every further attempt: false sends none
 * ```
 *
 * @see retryBudget, retryThrottle
 */
export interface RetryLimiter {
  /** A request starts (its first attempt goes out whatever the limiter says). */
  onRequest(): void;
  /** An attempt answered. */
  onSuccess(): void;
  /** An attempt failed with an error worth another attempt (a timeout, a refused connection...). */
  onFailure(): void;
  /** May one more attempt go out now? When it may, the attempt is charged for. */
  tryRetry(): boolean;
}
