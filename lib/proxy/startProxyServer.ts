import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RxnetConnectionError, RxnetInvalidOptionError } from '../errors.js';
import { formatHostPort, type SocketAddress } from '../transport/SocketAddress.js';
import { ProxyCollection } from './ProxyCollection.js';
import { handleProxyApi } from './proxyApi.js';
import { createProxyMetrics } from './proxyMetrics.js';
import { MAX_BODY_BYTES } from './readJsonBody.js';
import { resolveListenHost } from './resolveListenHost.js';
import type { Registry } from 'prom-client';
import type { WiretapSettings } from '../observability/wireLogger.js';

/** Options of {@link startProxyServer}. */
export interface ProxyServerOptions {
  /** The API's host. Defaults to `localhost` (toxiproxy's default), which binds 127.0.0.1. */
  readonly host?: string;
  /** The API's port; 0 picks a free one. Defaults to 8474 (toxiproxy's). */
  readonly port?: number;
  /** Binding the API anywhere but loopback must be asked for: whoever reaches it can redirect traffic. Defaults to false. */
  readonly allowRemote?: boolean;
  /** Proxies to create first, as POST /populate takes them (toxiproxy's config file). */
  readonly populate?: unknown;
  /** What GET /version reports. Defaults to `rxnet`. */
  readonly version?: string;
  /** The largest request body read. Defaults to 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Rolls toxicities and feeds the toxics' dice. Defaults to `Math.random`. */
  readonly random?: () => number;
  /** UDP proxies' client mappings: idle expiry (defaults to 60000 ms) and bound (defaults to 1024). */
  readonly udp?: { readonly idleTimeoutMs?: number; readonly maxMappings?: number };
  /** Each TCP proxy closes connections beyond this many open ones. Defaults to 4096. */
  readonly maxConnections?: number;
  /** Logs the bytes of both sides of every proxied connection or datagram (`--wiretap`; see startTcpProxy). Defaults to none. */
  readonly wiretap?: WiretapSettings;
}

/** A running control API and its proxies. */
export interface RunningProxyServer {
  /** Where the API listens (the real port when 0 was asked). */
  readonly address: SocketAddress;
  readonly proxies: ProxyCollection;
  /** The proxies' Prometheus series (what `GET /metrics` serves), to expose elsewhere too (serveMetrics). */
  readonly metrics: Registry;
  /** Stops the API and every proxy; resolves once all is closed. Safe to call more than once. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * Starts rxnet's impairment proxy: toxiproxy's HTTP control API (GET/POST /proxies, /populate,
 * /reset, /version, /metrics, the toxics under each proxy) over node:http, so toxiproxy's
 * clients drive it unchanged. A `populate` that fails rejects (and closes what was started).
 *
 * Example:
 * ```ts
 * await using server = await startProxyServer({ port: 0 });
 * await fetch(`http://${formatAddress(server.address)}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'redis', listen: 'localhost:0', upstream: 'localhost:6379' }) });
 * ```
 *
 * @throws RxnetInvalidOptionError for a non-loopback host without `allowRemote`, or a `populate` that fails;
 *   RxnetConnectionError when the API cannot listen (`info.syscallCode` EADDRINUSE...).
 * @see ProxyCollection
 */
export async function startProxyServer(options: ProxyServerOptions = {}): Promise<RunningProxyServer> {
  const requested = options.host ?? 'localhost';
  const host = await resolveListenHost(requested);
  if (!LOOPBACK.test(host) && options.allowRemote !== true) {
    throw new RxnetInvalidOptionError(
      { option: 'host', value: requested, expected: 'a loopback address' },
      `Refusing to bind the proxy API on ${requested} (${host}): anyone who reaches it can redirect traffic; allow it explicitly (allowRemote; --allow-remote on the command line)`,
    );
  }
  const metrics = createProxyMetrics();
  const tuning = {
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.udp === undefined ? {} : { udp: options.udp }),
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    ...(options.wiretap === undefined ? {} : { wiretap: options.wiretap }),
  };
  const proxies = new ProxyCollection(metrics.counterFor, tuning);
  const context = { proxies, metrics, version: options.version ?? 'rxnet', maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES };
  const server = createServer({ requestTimeout: 15000, headersTimeout: 10000, keepAliveTimeout: 5000, maxHeaderSize: 16384 }, (request, response) => {
    void handleProxyApi(context, request, response);
  });
  server.maxConnections = 512;
  const port = options.port ?? 8474;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const address = formatHostPort(host, port);
      reject(new RxnetConnectionError(`Cannot listen on ${address} (${err.code ?? err.message})`, { address, ...(err.code === undefined ? {} : { syscallCode: err.code }) }, { cause: err }));
    };
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await proxies.clear();
      await closed;
    })();
    return closing;
  };
  if (options.populate !== undefined) {
    const { error } = await proxies.populate(options.populate);
    if (error !== undefined) {
      await close();
      throw new RxnetInvalidOptionError({ option: 'config', value: '', expected: 'proxies as POST /populate takes them' }, `Invalid proxy config: ${error.message}`);
    }
  }
  const bound = server.address() as AddressInfo;
  return { address: { address: bound.address, port: bound.port, family: bound.family }, proxies, metrics: metrics.registry, close, [Symbol.asyncDispose]: close };
}
