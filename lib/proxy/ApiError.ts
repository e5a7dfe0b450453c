/**
 * An answer of the control API that is an error, as toxiproxy sends it: `{"error": "...",
 * "status": 404}` with that HTTP status. A value, not a throw: handlers return it.
 *
 * Example: `new ApiError(404, 'proxy not found')`
 */
export class ApiError {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}

  /** The JSON body: `{ error, status }`. */
  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

/** toxiproxy's errors, with its messages and statuses (api.go). */
export const API_ERRORS = {
  badRequestBody: (detail: string) => new ApiError(400, `bad request body: ${detail}`),
  missingField: (field: string) => new ApiError(400, `missing required field: ${field}`),
  proxyNotFound: () => new ApiError(404, 'proxy not found'),
  proxyAlreadyExists: () => new ApiError(409, 'proxy already exists'),
  invalidStream: () => new ApiError(400, 'stream was invalid, can be either upstream or downstream'),
  invalidToxicType: (detail: string) => new ApiError(400, `invalid toxic type: ${detail}`),
  toxicAlreadyExists: () => new ApiError(409, 'toxic already exists'),
  toxicNotFound: () => new ApiError(404, 'toxic not found'),
  notFound: () => new ApiError(404, '404 page not found'),
  methodNotAllowed: () => new ApiError(405, 'method not allowed'),
  bodyTooLarge: (limit: number) => new ApiError(413, `request body too large (limit ${limit} bytes)`),
  browserRefused: () => new ApiError(403, 'User agent not allowed'),
} as const;

/** True when `value` is an {@link ApiError}. */
export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}
