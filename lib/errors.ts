/**
 * Every error rxnet raises, each with a stable `code` and structured `info`.
 *
 * Match on `err.code` (or the `is*()` guards), never on the message text: messages may be
 * reworded, codes never change.
 *
 * | code                       | class                     | raised when                                     |
 * | -------------------------- | ------------------------- | ----------------------------------------------- |
 * | ERR_RXNET_INVALID_OPTION   | RxnetInvalidOptionError   | an option or flag has a value that is not allowed |
 * | ERR_RXNET_TIMEOUT          | RxnetTimeoutError         | no answer came within the timeout and retries    |
 * | ERR_RXNET_CONNECTION       | RxnetConnectionError      | a connection could not be opened or broke        |
 * | ERR_RXNET_PROTOCOL         | RxnetProtocolError        | a peer sent bytes that break the wire protocol   |
 * | ERR_RXNET_CLOSED           | RxnetClosedError          | the session or server was closed under a request |
 * | ERR_RXNET_OUT_OF_STEP      | RxnetOutOfStepError       | a stream sent a reply with no request outstanding |
 * | ERR_RXNET_INVALID_REQUEST  | RxnetInvalidRequestError  | a request cannot be sent as one message (a `\n` in a line) |
 * | ERR_RXNET_BROKEN_CIRCUIT   | BrokenCircuitError        | a circuit breaker refused a request (open circuit) |
 * | ERR_RXNET_BULKHEAD_REJECTED | BulkheadRejectedError    | a bulkhead's slots and queue were all taken       |
 * | ERR_RXNET_FRAME_TOO_LONG   | RxnetFramingError         | a length field announced a frame over the maximum |
 * | ERR_RXNET_BAD_LENGTH_FIELD | RxnetFramingError         | a length field is negative or shorter than its header |
 * | ERR_RXNET_FRAME_TRUNCATED  | RxnetFramingError         | the bytes ended in the middle of a frame          |
 * | ERR_RXNET_UNENCODABLE_FRAME | RxnetFramingError        | a message cannot be framed (holds the delimiter...) |
 *
 * This module imports nothing.
 */

/** Error codes, one per class. */
export const ERR_RXNET_INVALID_OPTION = 'ERR_RXNET_INVALID_OPTION';
export const ERR_RXNET_TIMEOUT = 'ERR_RXNET_TIMEOUT';
export const ERR_RXNET_CONNECTION = 'ERR_RXNET_CONNECTION';
export const ERR_RXNET_PROTOCOL = 'ERR_RXNET_PROTOCOL';
export const ERR_RXNET_CLOSED = 'ERR_RXNET_CLOSED';
export const ERR_RXNET_OUT_OF_STEP = 'ERR_RXNET_OUT_OF_STEP';
export const ERR_RXNET_INVALID_REQUEST = 'ERR_RXNET_INVALID_REQUEST';

export type RxnetErrorCode =
  | typeof ERR_RXNET_INVALID_OPTION
  | typeof ERR_RXNET_TIMEOUT
  | typeof ERR_RXNET_CONNECTION
  | typeof ERR_RXNET_PROTOCOL
  | typeof ERR_RXNET_CLOSED
  | typeof ERR_RXNET_OUT_OF_STEP
  | typeof ERR_RXNET_INVALID_REQUEST
  | typeof ERR_RXNET_BROKEN_CIRCUIT
  | typeof ERR_RXNET_BULKHEAD_REJECTED
  | FramingErrorCode;

/** The base of every rxnet error: a `code`, structured `info` and an optional `cause`. */
export abstract class RxnetError<Info extends object = object> extends Error {
  abstract readonly code: RxnetErrorCode;
  readonly info: Readonly<Info>;

  constructor(message: string, info: Info, options?: { cause?: unknown }) {
    super(message, options);
    this.info = Object.freeze({ ...info });
  }
}

/** Context of an {@link RxnetInvalidOptionError}. */
export interface InvalidOptionInfo {
  /** The option or flag, e.g. `--port` or `success`. */
  readonly option: string;
  /** The value that was given, as text. */
  readonly value: string;
  /** What is allowed, e.g. `an integer 0-65535`. */
  readonly expected: string;
}

/** What an {@link RxnetInvalidOptionError} for an option that does not exist says is allowed. */
export const UNKNOWN_OPTION_EXPECTED = 'a known option';

/**
 * An option has a value that is not allowed.
 *
 * Example: `new RxnetInvalidOptionError({ option: '--port', value: 'abc', expected: 'an integer 0-65535' })`
 * has the message `Invalid --port "abc" (expected an integer 0-65535)`.
 */
export class RxnetInvalidOptionError extends RxnetError<InvalidOptionInfo> {
  override readonly name = 'RxnetInvalidOptionError';
  readonly code = ERR_RXNET_INVALID_OPTION;

  constructor(info: InvalidOptionInfo, message?: string) {
    super(message ?? `Invalid ${info.option} "${info.value}" (expected ${info.expected})`, info);
  }

  /** True for an option that does not exist (`Unknown option prot`), rather than a bad value. */
  get unknownOption(): boolean {
    return this.info.expected === UNKNOWN_OPTION_EXPECTED;
  }

  /**
   * The same error for the option under another name, as a caller that nests options names it
   * (`reconnect.factor` for `factor`): `Unknown option reconnect.facto`, or
   * `Invalid reconnect.factor "0.5" (expected ...)`.
   *
   * Example: `throw err.renamed(\`tcp.${err.info.option}\`)`
   */
  renamed(option: string): RxnetInvalidOptionError {
    return new RxnetInvalidOptionError({ ...this.info, option }, this.unknownOption ? `Unknown option ${option}` : undefined);
  }
}


/** Context of an {@link RxnetTimeoutError}. */
export interface TimeoutInfo {
  /** How many times the request was sent. */
  readonly attempts: number;
  /** Milliseconds from the first send to giving up. */
  readonly elapsedMs: number;
}

/**
 * No answer arrived within the timeout (after every retry the policy allowed).
 *
 * Example: `Timed out after 5 attempts in 3100 ms`.
 */
export class RxnetTimeoutError extends RxnetError<TimeoutInfo> {
  override readonly name = 'RxnetTimeoutError';
  readonly code = ERR_RXNET_TIMEOUT;

  constructor(info: TimeoutInfo, options?: { cause?: unknown }) {
    super(
      `Timed out after ${info.attempts} attempt${info.attempts === 1 ? '' : 's'} in ${Math.round(info.elapsedMs)} ms`,
      info,
      options,
    );
  }
}

/** Context of an {@link RxnetConnectionError}. */
export interface ConnectionInfo {
  /** Where we tried to connect, e.g. `tcp://127.0.0.1:9000`. */
  readonly address: string;
  /** The system error code when there is one (`ECONNREFUSED`, `ECONNRESET`, `EPIPE`...). */
  readonly syscallCode?: string;
  /** How many connection attempts were made. */
  readonly attempts?: number;
  /** Milliseconds spent trying. */
  readonly elapsedMs?: number;
  /** True when rxnet has given up (its reconnect limit is spent): retrying will not help. */
  readonly final?: boolean;
}

/**
 * A connection could not be opened, or broke while a request was in flight. Transient (worth a
 * retry) unless `info.final` is true: a client gave up after its reconnect limit.
 */
export class RxnetConnectionError extends RxnetError<ConnectionInfo> {
  override readonly name = 'RxnetConnectionError';
  readonly code = ERR_RXNET_CONNECTION;

  constructor(message: string, info: ConnectionInfo, options?: { cause?: unknown }) {
    super(message, info, options);
  }
}

/** Context of an {@link RxnetProtocolError}. */
export interface ProtocolInfo {
  /** The offending bytes as text, cut to at most 80 characters. */
  readonly received: string;
}

/** A peer sent something that breaks the wire protocol (for example a malformed reply). */
export class RxnetProtocolError extends RxnetError<ProtocolInfo> {
  override readonly name = 'RxnetProtocolError';
  readonly code = ERR_RXNET_PROTOCOL;

  constructor(message: string, info: ProtocolInfo) {
    super(message, { received: info.received.slice(0, 80) });
  }
}

/** Context of an {@link RxnetClosedError}. */
export interface ClosedInfo {
  /** What was closed, e.g. `session 3` or `udp socket`. */
  readonly what: string;
}

/** The session, socket or server was closed while something still needed it. */
export class RxnetClosedError extends RxnetError<ClosedInfo> {
  override readonly name = 'RxnetClosedError';
  readonly code = ERR_RXNET_CLOSED;

  constructor(info: ClosedInfo) {
    super(`${info.what} was closed`, info);
  }
}

/** Context of an {@link RxnetOutOfStepError}. */
export interface OutOfStepInfo {
  /** Where the stream goes, e.g. `tcp://127.0.0.1:9000`. */
  readonly address: string;
}

/**
 * A stream sent a reply when no request was waiting for one: replies are matched to requests by
 * order, so from then on every reply could answer the wrong request, and the session is ended.
 * Transient: a fresh connection is in step again.
 *
 * Example: `Connection to tcp://127.0.0.1:9000 (session 1) was dropped: a reply came with no request outstanding`.
 */
export class RxnetOutOfStepError extends RxnetError<OutOfStepInfo> {
  override readonly name = 'RxnetOutOfStepError';
  readonly code = ERR_RXNET_OUT_OF_STEP;

  constructor(message: string, info: OutOfStepInfo) {
    super(message, info);
  }
}

/** Context of an {@link RxnetInvalidRequestError}. */
export interface InvalidRequestInfo {
  /** The request as text, escaped and cut to about 40 characters. */
  readonly value: string;
  /** What a request must be, e.g. `one line, without "\n"`. */
  readonly expected: string;
}

/**
 * A request that cannot be sent as one message, refused before anything is sent: a calc request
 * line holding a `\n` would be two requests to the server and put every later reply on the wrong
 * request. Not transient.
 *
 * Example: `Invalid request line "+,1,1\n+,2,2" (expected one line, without "\n")`.
 */
export class RxnetInvalidRequestError extends RxnetError<InvalidRequestInfo> {
  override readonly name = 'RxnetInvalidRequestError';
  readonly code = ERR_RXNET_INVALID_REQUEST;

  constructor(info: InvalidRequestInfo, message?: string) {
    super(message ?? `Invalid request line "${info.value}" (expected ${info.expected})`, info);
  }
}

/** True when `err` is an {@link RxnetOutOfStepError}. Usage: `if (isOutOfStepError(e)) log('server sent an extra reply')`. */
export function isOutOfStepError(err: unknown): err is RxnetOutOfStepError {
  return err instanceof RxnetOutOfStepError;
}

/** True when `err` is an {@link RxnetInvalidRequestError}. Usage: `if (isInvalidRequestError(e)) fixTheRequest()`. */
export function isInvalidRequestError(err: unknown): err is RxnetInvalidRequestError {
  return err instanceof RxnetInvalidRequestError;
}

/** True when `err` is any rxnet error. Usage: `if (isRxnetError(err)) console.error(err.code)`. */
export function isRxnetError(err: unknown): err is RxnetError {
  return err instanceof RxnetError;
}

/** True when `err` is an {@link RxnetTimeoutError}. Usage: `catchError(e => isTimeoutError(e) ? of(null) : throwError(() => e))`. */
export function isTimeoutError(err: unknown): err is RxnetTimeoutError {
  return err instanceof RxnetTimeoutError;
}

/** True when `err` is an {@link RxnetInvalidOptionError}. Usage: `if (isInvalidOptionError(e)) process.exit(2)`. */
export function isInvalidOptionError(err: unknown): err is RxnetInvalidOptionError {
  return err instanceof RxnetInvalidOptionError;
}

/** True when `err` is an {@link RxnetConnectionError}. Usage: `if (isConnectionError(e)) reconnect()`. */
export function isConnectionError(err: unknown): err is RxnetConnectionError {
  return err instanceof RxnetConnectionError;
}

/** True when `err` is an {@link RxnetProtocolError}. Usage: `if (isProtocolError(e)) log(e.info.received)`. */
export function isProtocolError(err: unknown): err is RxnetProtocolError {
  return err instanceof RxnetProtocolError;
}

/** True when `err` is an {@link RxnetClosedError}. Usage: `if (isClosedError(e)) return`. */
export function isClosedError(err: unknown): err is RxnetClosedError {
  return err instanceof RxnetClosedError;
}

/** System error codes that mean "try again": the peer went away or is not there yet. */
export const TRANSIENT_SYSCALL_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
]);

/**
 * The `code` of a Node system error (`ECONNRESET`, `ENOTFOUND`, `ERR_SOCKET_BAD_PORT`...), if
 * `err` has a string one: the one way rxnet reads a system error. Match on it, never on the message.
 *
 * Usage: `if (syscallCodeOf(err) === 'EADDRINUSE') tryAnotherPort()`
 */
export function syscallCodeOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * True when retrying may help: a timeout, a broken or refused connection (ECONNRESET,
 * ECONNREFUSED, EPIPE...), a stream that fell out of step (a fresh connection is in step). Never true for an invalid option, a protocol violation, or a
 * connection error marked `final` (the client already gave up reconnecting).
 *
 * Usage: `retry({ delay: (err, n) => isTransientError(err) ? timer(ms(n)) : throwError(() => err) })`
 */
export function isTransientError(err: unknown): boolean {
  if (err instanceof RxnetTimeoutError) return true;
  if (err instanceof RxnetConnectionError) return err.info.final !== true;
  if (err instanceof RxnetOutOfStepError) return true;
  if (err instanceof RxnetError) return false;
  const code = syscallCodeOf(err);
  return code !== undefined && TRANSIENT_SYSCALL_CODES.has(code);
}

// --- Policies (lib/policies/): the errors of a policy that refuses a request ---

export const ERR_RXNET_BROKEN_CIRCUIT = 'ERR_RXNET_BROKEN_CIRCUIT';
export const ERR_RXNET_BULKHEAD_REJECTED = 'ERR_RXNET_BULKHEAD_REJECTED';

/** Context of a {@link BrokenCircuitError}. */
export interface BrokenCircuitInfo {
  /** `open`: failures opened the circuit; `half-open`: a trial request is in flight and this one was not let through. */
  readonly state: 'open' | 'half-open';
  /** How long until the circuit lets a trial request through, in ms (0 while half-open). */
  readonly retryAfterMs: number;
}

/**
 * A circuit breaker refused the request without sending it: the circuit is open, or half-open
 * with its one trial request in flight. Not transient: retrying at once cannot help, so a retry
 * inside the breaker stops at this error (wait `info.retryAfterMs` if you must try again).
 *
 * Example: `Circuit breaker is open: no request is sent for 1500 ms more`.
 */
export class BrokenCircuitError extends RxnetError<BrokenCircuitInfo> {
  override readonly name = 'BrokenCircuitError';
  readonly code = ERR_RXNET_BROKEN_CIRCUIT;

  constructor(info: BrokenCircuitInfo) {
    super(
      info.state === 'open'
        ? `Circuit breaker is open: no request is sent for ${Math.ceil(info.retryAfterMs)} ms more`
        : 'Circuit breaker is half-open: its trial request is in flight',
      info,
    );
  }
}

/** Context of a {@link BulkheadRejectedError}. */
export interface BulkheadRejectedInfo {
  /** The most requests the bulkhead runs at once. */
  readonly limit: number;
  /** The most requests it keeps waiting for a slot. */
  readonly queue: number;
}

/**
 * A bulkhead refused the request: `limit` requests were running and `queue` more were waiting.
 * Not transient: the client itself is saturated, another attempt now would only wait in line.
 *
 * Example: `Bulkhead is full: 4 requests running and 8 queued`.
 */
export class BulkheadRejectedError extends RxnetError<BulkheadRejectedInfo> {
  override readonly name = 'BulkheadRejectedError';
  readonly code = ERR_RXNET_BULKHEAD_REJECTED;

  constructor(info: BulkheadRejectedInfo) {
    super(`Bulkhead is full: ${info.limit} request${info.limit === 1 ? '' : 's'} running and ${info.queue} queued`, info);
  }
}

/** True when `err` is a {@link BrokenCircuitError}. Usage: `catchError(e => isBrokenCircuitError(e) ? of(cached) : throwError(() => e))`. */
export function isBrokenCircuitError(err: unknown): err is BrokenCircuitError {
  return err instanceof BrokenCircuitError;
}

/** True when `err` is a {@link BulkheadRejectedError}. Usage: `if (isBulkheadRejectedError(e)) shedLoad()`. */
export function isBulkheadRejectedError(err: unknown): err is BulkheadRejectedError {
  return err instanceof BulkheadRejectedError;
}

/**
 * Framing error codes: one class, {@link RxnetFramingError}, and one code for each way bytes can
 * fail to be framed. The first three are the peer's doing (a decoder met them); the last is ours
 * (an encoder was handed a message its framing cannot carry).
 */
export const ERR_RXNET_FRAME_TOO_LONG = 'ERR_RXNET_FRAME_TOO_LONG';
export const ERR_RXNET_BAD_LENGTH_FIELD = 'ERR_RXNET_BAD_LENGTH_FIELD';
export const ERR_RXNET_FRAME_TRUNCATED = 'ERR_RXNET_FRAME_TRUNCATED';
export const ERR_RXNET_UNENCODABLE_FRAME = 'ERR_RXNET_UNENCODABLE_FRAME';

export type FramingErrorCode =
  | typeof ERR_RXNET_FRAME_TOO_LONG
  | typeof ERR_RXNET_BAD_LENGTH_FIELD
  | typeof ERR_RXNET_FRAME_TRUNCATED
  | typeof ERR_RXNET_UNENCODABLE_FRAME;

/** Context of an {@link RxnetFramingError}. */
export interface FramingInfo {
  /** The framing that raised it: `length-field`, `delimiter`, `fixed-length`, `line` or `chunk`. */
  readonly framing: string;
  /**
   * The length, in bytes, that broke the rule: the frame length a length field announced (after
   * `lengthAdjustment`; above 2^53 it is rounded), the bytes a truncated frame had, or the length
   * of the message an encoder refused. For a negative length field, its value.
   */
  readonly length: number;
  /** The bound it broke, in bytes, when there is one: `maxFrameLength`, the frame's full length... */
  readonly limit?: number;
}

/**
 * Bytes that cannot be framed. A decoder raises it for what no later byte can repair on a stream
 * (a length field over the maximum or below its header, a stream that ends inside a frame), so
 * whoever owns the connection closes it; an encoder raises it for a message its framing cannot
 * carry (a line holding `\n`, a length the length field cannot hold).
 *
 * Example: `new RxnetFramingError(ERR_RXNET_FRAME_TOO_LONG, 'Frame of 70000 bytes is over the maximum of 65536 (length-field framing)', { framing: 'length-field', length: 70000, limit: 65536 })`
 */
export class RxnetFramingError extends RxnetError<FramingInfo> {
  override readonly name = 'RxnetFramingError';
  readonly code: FramingErrorCode;

  constructor(code: FramingErrorCode, message: string, info: FramingInfo) {
    super(message, info);
    this.code = code;
  }
}

/** True when `err` is an {@link RxnetFramingError}. Usage: `if (isFramingError(e) && e.code === ERR_RXNET_FRAME_TOO_LONG) connection.destroy()`. */
export function isFramingError(err: unknown): err is RxnetFramingError {
  return err instanceof RxnetFramingError;
}
