import { RxnetConnectionError, syscallCodeOf, TRANSIENT_SYSCALL_CODES } from '../errors.js';

/**
 * Wraps a UDP socket error as an RxnetConnectionError naming the server: transient (retried) for
 * ECONNREFUSED and the other TRANSIENT_SYSCALL_CODES, `final` for anything else (ENOTFOUND...).
 * Internal to the UDP requesters.
 *
 * Example: `udpConnectionError('udp://127.0.0.1:9000', refused).message` is
 * `Nothing is listening at udp://127.0.0.1:9000 (ECONNREFUSED)`.
 */
export function udpConnectionError(address: string, err: unknown): RxnetConnectionError {
  const syscallCode = syscallCodeOf(err);
  const final = syscallCode === undefined || !TRANSIENT_SYSCALL_CODES.has(syscallCode);
  const message =
    syscallCode === 'ECONNREFUSED'
      ? `Nothing is listening at ${address} (ECONNREFUSED)`
      : `Cannot reach ${address}: ${err instanceof Error ? err.message : String(err)}`;
  return new RxnetConnectionError(
    message,
    { address, ...(syscallCode === undefined ? {} : { syscallCode }), ...(final ? { final: true } : {}) },
    { cause: err },
  );
}
