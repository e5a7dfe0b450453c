import { z } from 'zod';
import { numberPattern } from './numberPattern.js';
import { CODE_ERROR, CODE_OK, type CalcReply } from './types.js';

/** `200,NUMBER` (NUMBER by the request's rule; an rxnet server sends `String(n)`) or exactly `300,-1`. */
const REPLY = new RegExp(`^(?:200,(${numberPattern})|300,-1)$`);

const replySchema = z
  .string()
  .transform((text) => text.replace(/^[ \t]+|[ \t\r\n]+$/g, ''))
  .pipe(z.string().regex(REPLY, { error: 'expected a reply 200,NUMBER or 300,-1' }))
  .transform((text): CalcReply => {
    const digits = REPLY.exec(text)?.[1];
    return digits === undefined
      ? { code: CODE_ERROR, value: -1, text }
      : { code: CODE_OK, value: Number(digits), text };
  })
  // No calc result is infinite (the server answers 300,-1 instead), so `200,1e999` is no reply.
  .refine((reply) => Number.isFinite(reply.value), { error: 'a result must be a finite number' });

/** A parsed reply, or why the text is not one. */
export type ParsedReply =
  | { readonly ok: true; readonly reply: CalcReply }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses a reply (`200,RESULT` or `300,-1`; surrounding blanks and a trailing newline allowed)
 * as a client receives it. Never throws: anything else is `{ ok: false }`, so a server that sends
 * garbage cannot crash a client or make it print a wrong answer.
 *
 * Example: `parseReply('200,2\n')` gives `{ ok: true, reply: { code: 200, value: 2, text: '200,2' } }`.
 *
 * @see encodeOutcome
 */
export function parseReply(text: string): ParsedReply {
  const result = replySchema.safeParse(text);
  if (result.success) return { ok: true, reply: result.data };
  return { ok: false, reason: `${JSON.stringify(text.slice(0, 40))}: ${result.error.issues[0]?.message ?? 'invalid'}` };
}
