/**
 * How serveTcp cuts a byte stream into requests when it is given no codec: `line`
 * (`\n`-terminated) or `chunk` (each read is one request, as the seed's server did).
 *
 * Example: `FRAMINGS.includes('line')` is `true`.
 */
export const FRAMINGS = ['line', 'chunk'] as const;
export type Framing = (typeof FRAMINGS)[number];
