/**
 * The smallest line limit the calc server (`maxLineLength`) and the calc client
 * (`tcp.maxReplyLength`) accept, in bytes: calc's rule, not the framing's (a line codec or
 * createTcpClient alone takes any limit from 1).
 *
 * Example: `resolveServerOptions({ maxLineLength: MIN_MAX_LINE_LENGTH })` is accepted, 1023 is not.
 */
export const MIN_MAX_LINE_LENGTH = 1024;
