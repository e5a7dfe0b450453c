import { z } from 'zod';
import { API_ERRORS, type ApiError } from './ApiError.js';
import { parseHostPort } from './parseHostPort.js';
import { PROTOCOL_TCP, PROTOCOL_UDP } from './ToxicRecord.js';

const hostPort = (field: string) =>
  z.string({ error: 'expected a string' }).refine((text) => parseHostPort(text) !== undefined, { error: `expected host:port with a port 0-65535 (${field})` });

/** A proxy as POST /proxies and /populate take it (toxiproxy's fields, plus rxnet's `protocol`). */
export const proxyBodySchema = z.object({
  name: z.string({ error: 'expected a string' }).optional(),
  listen: z.string({ error: 'expected a string' }).optional(), // checked when it starts: a bad one fails that proxy alone
  upstream: hostPort('upstream').optional(),
  enabled: z.boolean({ error: 'expected true or false' }).optional(),
  protocol: z.enum([PROTOCOL_TCP, PROTOCOL_UDP], { error: 'expected "tcp" or "udp"' }).optional(),
});
export type ProxyBody = z.infer<typeof proxyBodySchema>;

/** The body of POST /populate: an array of proxies. */
export const populateBodySchema = z.array(proxyBodySchema, { error: 'expected an array of proxies' });

/** A toxic as POST /proxies/{proxy}/toxics takes it. */
export const toxicBodySchema = z.object({
  name: z.string({ error: 'expected a string' }).optional(),
  type: z.string({ error: 'expected a string' }).optional(),
  stream: z.string({ error: 'expected a string' }).optional(),
  toxicity: z.number({ error: 'expected a number from 0 to 1' }).min(0, { error: 'expected a number from 0 to 1' }).max(1, { error: 'expected a number from 0 to 1' }).optional(),
  attributes: z.record(z.string(), z.unknown(), { error: 'expected an object' }).optional(),
});
export type ToxicBody = z.infer<typeof toxicBodySchema>;

/**
 * Validates a parsed JSON body: the value, or a 400 naming the first bad field
 * (`bad request body: listen: expected host:port ...`).
 *
 * Example: `checkBody(toxicBodySchema, json)`
 */
export function checkBody<T>(schema: z.ZodType<T>, json: unknown, prefix = ''): T | ApiError {
  const result = schema.safeParse(Array.isArray(json) ? json.map(withoutNulls) : withoutNulls(json));
  if (result.success) return result.data;
  return API_ERRORS.badRequestBody(describeIssue(result.error, prefix));
}

/** `path: message` of a zod error's first issue (`attributes.latency: expected ...`). */
export function describeIssue(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter((part) => part !== '').join('.');
  return path === '' ? (issue?.message ?? 'invalid') : `${path}: ${issue?.message ?? 'invalid'}`;
}

/**
 * A JSON object without its `null` fields (and its `attributes`' ones): Go's decoder, and so
 * toxiproxy, leaves a field at its default when the body says null (some clients send
 * `"name": null`). Anything else is returned as is.
 *
 * Example: `withoutNulls({ name: null, type: 'latency' })` is `{ type: 'latency' }`.
 */
export function withoutNulls(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  const kept = Object.entries(json).filter(([, value]) => value !== null);
  return Object.fromEntries(kept.map(([key, value]) => [key, key === 'attributes' ? withoutNulls(value) : value]));
}
