import { z } from 'zod';
import {
  MAX_SSDP_DATAGRAM,
  NOTIFY_SUBTYPES,
  SSDP_DISCOVER,
  type ExtraHeaders,
  type InvalidSsdpMessage,
  type ParsedSsdpMessage,
} from './SsdpMessage.js';

/** A header that must be there and not be empty. */
const required = z.string({ error: 'missing' }).min(1, { error: 'empty' });
/** `max-age=N` anywhere in a CACHE-CONTROL value (other directives may come with it). */
const MAX_AGE = /(?:^|[\s,;])max-age\s*=\s*"?(\d{1,10})"?(?:$|[\s,;])/i;
const maxAge = z
  .string({ error: 'missing' })
  .regex(MAX_AGE, { error: 'expected max-age=SECONDS' })
  .transform((value) => Number(MAX_AGE.exec(value)?.[1]));
/** `"ssdp:discover"`; senders that drop the quotes are forgiven. */
const man = z
  .string({ error: 'missing' })
  .transform((value) => value.replace(/^"(.*)"$/, '$1'))
  .pipe(z.literal(SSDP_DISCOVER, { error: `expected "${SSDP_DISCOVER}"` }));
const mx = z
  .string()
  .regex(/^\d{1,9}$/, { error: 'expected a whole number of seconds' })
  .transform(Number);

const searchSchema = z.object({ host: required, man, st: required, mx: mx.optional() });
const responseSchema = z.object({
  'cache-control': maxAge,
  location: required,
  server: z.string().default(''),
  st: required,
  usn: required,
  date: z.string().optional(),
});
const notifySchema = z
  .object({
    host: required,
    nt: required,
    nts: z.enum(NOTIFY_SUBTYPES, { error: `expected ${NOTIFY_SUBTYPES.join(', ')}` }),
    usn: required,
    location: required.optional(),
    'cache-control': maxAge.optional(),
    server: z.string().optional(),
  })
  .superRefine((notify, ctx) => {
    if (notify.nts !== 'ssdp:alive') return;
    if (notify.location === undefined) ctx.addIssue({ code: 'custom', path: ['location'], message: 'missing' });
    if (notify['cache-control'] === undefined) ctx.addIssue({ code: 'custom', path: ['cache-control'], message: 'missing' });
  });

/** Header names each message type defines; any other header goes to `headers`. */
const KNOWN = {
  search: ['host', 'man', 'st', 'mx'],
  response: ['cache-control', 'location', 'server', 'st', 'usn', 'date', 'ext'],
  notify: ['host', 'nt', 'nts', 'usn', 'location', 'cache-control', 'server'],
} as const;

const RESPONSE_LINE = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/;

/**
 * Parses one datagram as an SSDP message. Never throws: anything that is not a well-formed
 * search, search response or notification is an `{ kind: 'invalid', reason }` value.
 * Header names are case-insensitive, lines may end in CRLF or LF, a body is ignored.
 *
 * Example: `parseSsdpMessage('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n')`
 * gives `{ kind: 'search', host: '239.255.255.250:1900', st: 'ssdp:all', mx: 2 }`.
 *
 * @see formatSsdpMessage
 */
export function parseSsdpMessage(datagram: string | Uint8Array): ParsedSsdpMessage {
  const text = typeof datagram === 'string' ? datagram : Buffer.from(datagram).toString('utf8');
  const invalid = (reason: string): InvalidSsdpMessage => ({ kind: 'invalid', reason, text: text.slice(0, 80) });
  if (Buffer.byteLength(text) > MAX_SSDP_DATAGRAM) return invalid(`longer than ${MAX_SSDP_DATAGRAM} bytes`);

  const [startLine = '', ...lines] = text.split(/\r?\n\r?\n/, 1)[0]?.split(/\r?\n/) ?? [];
  const start = startLine.trimEnd();
  const status = RESPONSE_LINE.exec(start)?.[1];
  const kind =
    start === 'M-SEARCH * HTTP/1.1' ? 'search' : start === 'NOTIFY * HTTP/1.1' ? 'notify' : status === '200' ? 'response' : undefined;
  if (kind === undefined) {
    return invalid(status === undefined ? `not an SSDP start line: "${start.slice(0, 40)}"` : `status ${status} is not 200`);
  }

  const headers = Object.create(null) as Record<string, string>; // no prototype: a `__proto__` header is just a name
  let last: string | undefined;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      headers[last] = `${headers[last]} ${line.trim()}`; // an obsolete folded continuation line
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon <= 0 || name === '' || /\s/.test(name)) return invalid(`malformed header line "${line.slice(0, 40)}"`);
    last = name;
    headers[name] ??= line.slice(colon + 1).trim();
  }

  const extra = extraHeaders(headers, KNOWN[kind]);
  const withExtra = extra === undefined ? {} : { headers: extra };
  if (kind === 'search') {
    const result = searchSchema.safeParse(headers);
    if (!result.success) return invalid(reasonOf(result.error));
    const { host, st, mx: seconds } = result.data;
    return { kind, host, st, ...(seconds === undefined ? {} : { mx: seconds }), ...withExtra };
  }
  if (kind === 'response') {
    const result = responseSchema.safeParse(headers);
    if (!result.success) return invalid(reasonOf(result.error));
    const { location, server, st, usn, date } = result.data;
    return { kind, maxAge: result.data['cache-control'], location, server, st, usn, ...(date === undefined ? {} : { date }), ...withExtra };
  }
  const result = notifySchema.safeParse(headers);
  if (!result.success) return invalid(reasonOf(result.error));
  const { host, nt, nts, usn, location, server } = result.data;
  const age = result.data['cache-control'];
  return {
    kind,
    host,
    nt,
    nts,
    usn,
    ...(location === undefined ? {} : { location }),
    ...(age === undefined ? {} : { maxAge: age }),
    ...(server === undefined ? {} : { server }),
    ...withExtra,
  };
}

/** The first issue as `HEADER: what is wrong`. */
function reasonOf(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${String(issue?.path[0] ?? 'message').toUpperCase()}: ${issue?.message ?? 'invalid'}`;
}

/** The headers not in `known`, or undefined when there are none. */
function extraHeaders(headers: Record<string, string>, known: readonly string[]): ExtraHeaders | undefined {
  const entries = Object.entries(headers).filter(([name]) => !known.includes(name));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}
