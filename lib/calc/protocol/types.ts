/**
 * Typed values of the calc protocol: requests, parse results, outcomes and replies.
 * Pure types; see docs/protocol.md for the wire format.
 */

/** The operators a request may use: `%` is the remainder, `^` the power. */
export const OPERATORS = ['+', '-', '*', '/', '%', '^'] as const;

/** One of {@link OPERATORS}. */
export type Operator = (typeof OPERATORS)[number];

/** A valid request, `OP,A,B` decoded. */
export interface CalcRequest {
  readonly op: Operator;
  readonly a: number;
  readonly b: number;
}

/** Why a request got `300,-1`. */
export interface CalcFailure {
  readonly ok: false;
  /** One line, for logs; never sent on the wire. */
  readonly reason: string;
}

/** The result of parsing one request line: the request, or why it is invalid. */
export type ParsedRequest = { readonly ok: true; readonly request: CalcRequest } | CalcFailure;

/** The result of evaluating a request: a finite number, or why there is none. */
export type CalcOutcome = { readonly ok: true; readonly value: number } | CalcFailure;

/** Reply codes: 200 for a result, 300 for an invalid request or an arithmetic error. */
export const CODE_OK = 200;
export const CODE_ERROR = 300;

/** A reply as the client sees it. */
export type CalcReply =
  | { readonly code: typeof CODE_OK; readonly value: number; readonly text: string }
  | { readonly code: typeof CODE_ERROR; readonly value: -1; readonly text: string };
