import type { TestSummary } from './redisSummary.js';

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(3) : '-');
const ratio = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '-');

/**
 * The summary as a markdown table: one row per test, both servers' median rps, the ratio, and each
 * server's median p50 / p99 in ms.
 *
 * Example: `process.stdout.write(formatRedisTable(summarizeRedisRuns(runs)) + '\n')`
 */
export function formatRedisTable(tests: readonly TestSummary[]): string {
  const rows = [
    '| test | rxnet rps | redis-server rps | rxnet / redis-server | rxnet p50 / p99 ms | redis-server p50 / p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const t of tests) {
    const rx = t.servers.rxnet;
    const redis = t.servers['redis-server'];
    rows.push(`| ${t.test} | ${int(rx.rps)} | ${int(redis.rps)} | ${ratio(t.ratio)} | ${ms(rx.p50Ms)} / ${ms(rx.p99Ms)} | ${ms(redis.p50Ms)} / ${ms(redis.p99Ms)} |`);
  }
  return rows.join('\n');
}
