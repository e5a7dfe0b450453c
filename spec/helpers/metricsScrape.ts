import { get } from 'node:http';
import type { StartedCli } from './childProcess.js';
import { waitUntil } from './waitUntil.js';

/** GET http://127.0.0.1:port/path: status and body. */
export function fetchText(port: number, path = '/metrics'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** The value of one series line, e.g. `rxnet_requests_total{transport="tcp"}`. */
export function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

/** The port of a command's `metrics http 127.0.0.1:PORT/metrics` stderr line, once it is printed. */
export async function metricsPortOf(cli: StartedCli): Promise<number> {
  await waitUntil(() => /metrics http /.test(cli.stderr()));
  return Number(/metrics http 127\.0\.0\.1:(\d+)\/metrics/.exec(cli.stderr())?.[1]);
}
