import { API_ERRORS, isApiError, type ApiError } from './ApiError.js';
import { checkBody, populateBodySchema, proxyBodySchema, type ProxyBody } from './apiSchemas.js';
import { ProxyEntry, type CounterFactory, type ProxyConfig, type ProxyTuning } from './ProxyEntry.js';
import { PROTOCOL_TCP } from './ToxicRecord.js';

/** Where a proxy created without `listen` listens: loopback, a free port (toxiproxy would take every interface). */
export const DEFAULT_LISTEN = '127.0.0.1:0';

/**
 * Every proxy by name (toxiproxy's ProxyCollection). Each change runs after the one before it
 * has finished (starting a listener takes a turn of the event loop), so concurrent API calls
 * cannot interleave.
 *
 * Example: `const proxies = new ProxyCollection(); await proxies.create({ name: 'redis', upstream: 'localhost:6379' })`
 */
export class ProxyCollection {
  private readonly proxies = new Map<string, ProxyEntry>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly counterFor?: CounterFactory,
    private readonly tuning: ProxyTuning = {},
  ) {}

  list(): ProxyEntry[] {
    return [...this.proxies.values()];
  }

  get(name: string): ProxyEntry | undefined {
    return this.proxies.get(name);
  }

  /** POST /proxies: the new proxy (started unless `enabled` is false), or a 400, 409 or 500. */
  create(json: unknown): Promise<ProxyEntry | ApiError> {
    return this.serially(async () => {
      const config = toConfig(checkBody(proxyBodySchema, json));
      if (isApiError(config)) return config;
      if (this.proxies.has(config.name)) return API_ERRORS.proxyAlreadyExists();
      const proxy = this.entry(config);
      const failed = config.enabled ? await proxy.start() : undefined;
      if (failed !== undefined) return failed;
      this.proxies.set(proxy.name, proxy);
      return proxy;
    });
  }

  /** POST /populate: creates or replaces (when listen or upstream differ) each proxy, in order; stops at the first failure. */
  populate(json: unknown): Promise<{ proxies: ProxyEntry[]; error?: ApiError }> {
    return this.serially(async () => {
      const bodies = checkBody(populateBodySchema, json);
      if (isApiError(bodies)) return { proxies: [], error: bodies };
      const configs = bodies.map((body, i) => toConfig(body, ` at proxy ${i + 1}`));
      const invalid = configs.find(isApiError);
      if (invalid !== undefined) return { proxies: [], error: invalid };
      const done: ProxyEntry[] = [];
      for (const config of configs as (ProxyConfig & { enabled: boolean })[]) {
        const existing = this.proxies.get(config.name);
        if (existing !== undefined && !(await existing.differs(config))) {
          done.push(existing);
          continue;
        }
        await existing?.stop();
        this.proxies.delete(config.name);
        const proxy = this.entry(config);
        const failed = config.enabled ? await proxy.start() : undefined;
        if (failed !== undefined) return { proxies: done, error: failed };
        this.proxies.set(proxy.name, proxy);
        done.push(proxy);
      }
      return { proxies: done };
    });
  }

  /** POST or PATCH /proxies/{name}: fields not given keep their values. */
  update(name: string, json: unknown): Promise<ProxyEntry | ApiError> {
    return this.serially(async () => {
      const proxy = this.proxies.get(name);
      if (proxy === undefined) return API_ERRORS.proxyNotFound();
      const body = checkBody(proxyBodySchema, json);
      if (isApiError(body)) return body;
      const failed = await proxy.update(
        { listen: body.listen ?? proxy.listen, upstream: body.upstream ?? proxy.upstream, protocol: body.protocol ?? proxy.protocol },
        body.enabled ?? proxy.enabled,
      );
      return failed ?? proxy;
    });
  }

  /** DELETE /proxies/{name}: false when there is none. */
  remove(name: string): Promise<boolean> {
    return this.serially(async () => {
      const proxy = this.proxies.get(name);
      if (proxy === undefined) return false;
      this.proxies.delete(name);
      await proxy.stop();
      return true;
    });
  }

  /** POST /reset: enables every proxy and removes every toxic; the first start failure, if any. */
  reset(): Promise<ApiError | undefined> {
    return this.serially(async () => {
      for (const proxy of this.proxies.values()) {
        const failed = await proxy.start();
        if (failed !== undefined) return failed;
        proxy.toxics.reset();
      }
      return undefined;
    });
  }

  /** Stops and forgets every proxy. */
  clear(): Promise<void> {
    return this.serially(async () => {
      const all = [...this.proxies.values()];
      this.proxies.clear();
      await Promise.all(all.map((proxy) => proxy.stop()));
    });
  }

  private entry(config: ProxyConfig): ProxyEntry {
    return new ProxyEntry(config, this.counterFor, this.tuning);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** A validated body as a config, or toxiproxy's missing-field errors. */
function toConfig(body: ProxyBody | ApiError, where = ''): (ProxyConfig & { enabled: boolean }) | ApiError {
  if (isApiError(body)) return body;
  if (body.name === undefined || body.name === '') return API_ERRORS.missingField(`name${where}`);
  if (body.upstream === undefined || body.upstream === '') return API_ERRORS.missingField(`upstream${where}`);
  return { name: body.name, listen: body.listen ?? DEFAULT_LISTEN, upstream: body.upstream, protocol: body.protocol ?? PROTOCOL_TCP, enabled: body.enabled ?? true };
}

