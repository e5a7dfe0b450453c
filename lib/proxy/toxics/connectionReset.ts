import { RxnetConnectionError } from '../../errors.js';

/** The `syscallCode` a toxic's reset carries: the proxy answers it with a TCP RST. */
export const RESET_CODE = 'ECONNRESET';

/**
 * The error a toxic ends a stream with to reset the connection (TCP RST) rather than close it.
 *
 * Example: `subscriber.error(connectionReset('reset_peer'))`
 */
export function connectionReset(toxic: string): RxnetConnectionError {
  return new RxnetConnectionError(`Connection reset by the ${toxic} toxic`, { address: toxic, syscallCode: RESET_CODE });
}

/** True when `err` asks for a reset (see {@link connectionReset}): an RxnetConnectionError with code ECONNRESET. */
export function isConnectionReset(err: unknown): boolean {
  return err instanceof RxnetConnectionError && err.info.syscallCode === RESET_CODE;
}
