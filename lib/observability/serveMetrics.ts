import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What serveMetrics exposes: a prom-client Registry, or any source of the exposition text (aggregatedMetrics). */
export interface MetricsSource {
  /** The exposition text now. */
  metrics(): Promise<string>;
  /** Its content type (`text/plain; version=0.0.4; ...`). */
  readonly contentType: string;
}

/** Options of {@link serveMetrics}. */
export interface ServeMetricsOptions {
  /** The registry to expose (read at each request). */
  readonly registry: MetricsSource;
  /** The address to bind. Defaults to `127.0.0.1`: metrics are not for the whole network unless asked. */
  readonly host?: string;
  /** The port; 0 picks a free one. */
  readonly port: number;
}

/** A running metrics endpoint. */
export interface MetricsEndpoint extends AsyncDisposable {
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Stops listening and closes every connection; the same promise on every call. */
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text, prom-client's format) on `host:port`; anything else
 * gets 404. Resolves once listening; rejects with the listen error (EADDRINUSE...).
 *
 * Example: `const endpoint = await serveMetrics({ registry, port: 9464 }); ... await endpoint.close()`
 *
 * @see counterMetrics, aggregatedMetrics
 */
export function serveMetrics(options: ServeMetricsOptions): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    options.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err instanceof Error ? err.message : String(err)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host ?? '127.0.0.1', port: options.port }, () => {
      server.off('error', reject);
      let closing: Promise<void> | undefined;
      const close = (): Promise<void> =>
        (closing ??= new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }));
      resolve({ port: (server.address() as AddressInfo).port, close, [Symbol.asyncDispose]: close });
    });
  });
}
