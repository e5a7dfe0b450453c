import type { IncomingMessage } from 'node:http';
import { API_ERRORS } from './ApiError.js';

/** The largest request body the control API reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a request's body as JSON, at most `limit` bytes: the parsed value (undefined for an
 * empty body), a 400 for invalid JSON, or a 413 as soon as the body passes the limit (what was
 * read is dropped, and the rest is not kept).
 *
 * Example: `const json = await readJsonBody(request)`
 */
export function readJsonBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  return new Promise<unknown>((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const onData = (chunk: Buffer): void => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        parts.length = 0;
        resolve(API_ERRORS.bodyTooLarge(limit));
        return;
      }
      parts.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      if (tooLarge) return;
      const text = Buffer.concat(parts).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        resolve(API_ERRORS.badRequestBody((err as Error).message));
      }
    };
    const onError = (): void => {
      cleanup();
      resolve(API_ERRORS.badRequestBody('the request was aborted'));
    };
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}
