import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_ERRORS, ApiError, isApiError } from './ApiError.js';
import type { ProxyCollection } from './ProxyCollection.js';
import type { ProxyMetrics } from './proxyMetrics.js';
import { readJsonBody } from './readJsonBody.js';

/** What the routes need. */
export interface ProxyApiContext {
  readonly proxies: ProxyCollection;
  readonly metrics: ProxyMetrics;
  /** What GET /version reports. */
  readonly version: string;
  readonly maxBodyBytes?: number;
}

/** An answer: a status and a JSON value (none for 204), or Prometheus text. */
type Answer = { readonly status: number; readonly json?: unknown; readonly text?: string; readonly contentType?: string };

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

const ok = (json: unknown, status = 200): Answer => ({ status, json });
const fail = (error: ApiError): Answer => ({ status: error.status, json: error });

/**
 * Handles one request of toxiproxy's HTTP API (its README's endpoints, api.go's answers). A
 * browser (a User-Agent starting `Mozilla/`) gets 403, as toxiproxy does, so a web page cannot
 * drive the proxy. Never throws: a bug answers 500.
 *
 * Example: `createServer((req, res) => void handleProxyApi(context, req, res))`
 */
export async function handleProxyApi(context: ProxyApiContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let answer: Answer;
  try {
    answer = (request.headers['user-agent'] ?? '').startsWith('Mozilla/') ? fail(API_ERRORS.browserRefused()) : await route(context, request);
  } catch (err) {
    answer = fail(new ApiError(500, err instanceof Error ? err.message : String(err)));
  }
  if (answer.text !== undefined) {
    response.writeHead(answer.status, { 'Content-Type': answer.contentType ?? PROMETHEUS_TEXT });
    response.end(answer.text);
  } else if (answer.json === undefined) {
    response.writeHead(answer.status);
    response.end();
  } else {
    const body = `${JSON.stringify(answer.json)}${isApiError(answer.json) ? '\n' : ''}`;
    response.writeHead(answer.status, { 'Content-Type': 'application/json' });
    response.end(body);
  }
  request.resume(); // an unread body (a 403, a 404) must not hold the connection
}

async function route(context: ProxyApiContext, request: IncomingMessage): Promise<Answer> {
  const { proxies } = context;
  const method = request.method ?? 'GET';
  const parts = new URL(request.url ?? '/', 'http://api').pathname.split('/').slice(1).map(decodeURIComponent);
  const body = async (): Promise<unknown> => readJsonBody(request, context.maxBodyBytes);
  const is = (...allowed: string[]): boolean => allowed.includes(method);
  const [first, name, sub, toxicName, ...extra] = parts;
  if (extra.length > 0) return fail(API_ERRORS.notFound());

  if (parts.length === 1 && first === 'version' && is('GET')) {
    // byte for byte what toxiproxy sends (its clients print it as is)
    return { status: 200, text: `{"version": ${JSON.stringify(context.version)}}\n`, contentType: 'application/json;charset=utf-8' };
  }
  if (parts.length === 1 && first === 'metrics' && is('GET')) return { status: 200, text: await context.metrics.registry.metrics() };
  if (parts.length === 1 && first === 'reset' && is('POST')) {
    const failed = await proxies.reset();
    return failed === undefined ? { status: 204 } : fail(failed);
  }
  if (parts.length === 1 && first === 'populate' && is('POST')) {
    const json = await body();
    if (isApiError(json)) return fail(json);
    const { proxies: done, error } = await proxies.populate(json);
    const shown = done.map((proxy) => proxy.toJSON());
    return error === undefined ? ok({ proxies: shown }, 201) : ok({ ...error.toJSON(), proxies: shown }, error.status);
  }
  if (first !== 'proxies') return fail(API_ERRORS.notFound());
  if (name === undefined) {
    if (is('GET')) return ok(Object.fromEntries(proxies.list().map((proxy) => [proxy.name, proxy.toJSON()])));
    if (!is('POST')) return fail(API_ERRORS.methodNotAllowed());
    const json = await body();
    if (isApiError(json)) return fail(json);
    const created = await proxies.create(json);
    return isApiError(created) ? fail(created) : ok(created.toJSON(), 201);
  }
  const proxy = proxies.get(name);
  if (sub === undefined) {
    if (is('GET')) return proxy === undefined ? fail(API_ERRORS.proxyNotFound()) : ok(proxy.toJSON());
    if (is('DELETE')) return (await proxies.remove(name)) ? { status: 204 } : fail(API_ERRORS.proxyNotFound());
    if (!is('POST', 'PATCH')) return fail(API_ERRORS.methodNotAllowed());
    const json = await body();
    if (isApiError(json)) return fail(json);
    const updated = await proxies.update(name, json ?? {});
    return isApiError(updated) ? fail(updated) : ok(updated.toJSON());
  }
  if (sub !== 'toxics') return fail(API_ERRORS.notFound());
  if (proxy === undefined) return fail(API_ERRORS.proxyNotFound());
  if (toxicName === undefined) {
    if (is('GET')) return ok(proxy.toxics.list());
    if (!is('POST')) return fail(API_ERRORS.methodNotAllowed());
    const json = await body();
    if (isApiError(json)) return fail(json);
    const added = proxy.toxics.add(json ?? {});
    return isApiError(added) ? fail(added) : ok(added); // 200, as toxiproxy's ToxicCreate
  }
  if (is('GET')) {
    const toxic = proxy.toxics.get(toxicName);
    return toxic === undefined ? fail(API_ERRORS.toxicNotFound()) : ok(toxic);
  }
  if (is('DELETE')) return proxy.toxics.remove(toxicName) ? { status: 204 } : fail(API_ERRORS.toxicNotFound());
  if (!is('POST', 'PATCH')) return fail(API_ERRORS.methodNotAllowed());
  const json = await body();
  if (isApiError(json)) return fail(json);
  const updated = proxy.toxics.update(toxicName, json ?? {});
  return isApiError(updated) ? fail(updated) : ok(updated);
}
