/**
 * A client that fires N requests at once at a lossy server, each under an exponential backoff
 * policy (`retryWithBackoff`, through `createCalcClient`'s `retry` option), and prints the answer
 * rate and how many attempts the answers needed.
 *
 *   node cli/server.js --udp --success 0.5 &                            a lossy server on :9000
 *   node dist/examples/backoffClient.js [--port 9000] [--count 100]     query it once, print, exit
 *   node dist/examples/backoffClient.js --demo                          the same against its own lossy server
 *
 * Each request waits 50 ms for an answer, then sends again and waits 100, 200, 400, 800 ms (each
 * wait up to 20% shorter at random, so retries do not go out in lockstep), then gives up. An
 * answer to any copy counts: the request keeps one socket for all its copies.
 */
import { parseArgs } from 'node:util';
import { catchError, lastValueFrom, map, mergeMap, of, range, throwError, toArray } from 'rxjs';
import { createCalcClient, isRxnetError, isTimeoutError, startServer, type RetryPolicy } from '../lib/index.js';

/** The backoff policy of every request, in ms: wait 50, 100, 200, 400, 800 (up to 20% less), then give up. */
const RETRY: Partial<RetryPolicy> = { initial: 50, factor: 2, max: 800, jitter: 0.2 };

interface Outcome {
  readonly answered: boolean;
  readonly correct: boolean;
  /** The attempt whose copy was sent last before the answer (or before giving up). */
  readonly attempts: number;
}

/** Sends `*,i,2` for i = 1..count, `concurrency` at a time, and reports each outcome. */
async function fire(port: number, count: number, concurrency: number): Promise<Outcome[]> {
  const attempts = new Map<string, number>();
  await using client = createCalcClient({
    transport: 'udp',
    host: '127.0.0.1',
    port,
    retry: RETRY,
    onAttempt: (line, attempt) => attempts.set(line, attempt),
  });
  // `return await`, not `return`: the client must outlive the requests (`await using` closes it on return).
  return await lastValueFrom(
    range(1, count).pipe(
      mergeMap((i) => {
        const line = `*,${i},2`;
        return client.request(line).pipe(
          map((reply): Outcome => ({ answered: true, correct: reply.value === i * 2, attempts: attempts.get(line) ?? 0 })),
          // No answer is an outcome to count, not a failure of the whole run: a timeout (the policy
          // gave up) or a connection error (nothing listening there: ECONNREFUSED).
          catchError((err: unknown) =>
            isRxnetError(err)
              ? of({ answered: false, correct: false, attempts: isTimeoutError(err) ? err.info.attempts : (attempts.get(line) ?? 0) })
              : throwError(() => err),
          ),
        );
      }, concurrency),
      toArray(),
    ),
  );
}

function report(outcomes: readonly Outcome[], address: string, elapsedMs: number): void {
  const answered = outcomes.filter((o) => o.answered);
  const sends = outcomes.reduce((sum, o) => sum + o.attempts, 0);
  const histogram = new Map<number, number>();
  for (const o of answered) histogram.set(o.attempts, (histogram.get(o.attempts) ?? 0) + 1);
  const byAttempts = [...histogram.entries()].sort(([a], [b]) => a - b).map(([n, k]) => `${n}:${k}`).join(' ');
  console.log(`sent ${outcomes.length} requests (${sends} datagrams) to ${address} in ${Math.round(elapsedMs)} ms`);
  console.log(`answered ${answered.length}/${outcomes.length} (${Math.round((100 * answered.length) / outcomes.length)}%), wrong ${answered.filter((o) => !o.correct).length}`);
  console.log(`answers by attempts needed: ${byAttempts || 'none'}; gave up: ${outcomes.length - answered.length}`);
}

async function run(port: number, count: number): Promise<void> {
  const started = performance.now();
  const outcomes = await fire(port, count, 50);
  report(outcomes, `udp://127.0.0.1:${port}`, performance.now() - started);
}

async function demo(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error('demo: no result within 5 s');
    process.exit(1);
  }, 5000);
  // The seed's lossy UDP server, in this process: each reply is dropped with probability 0.5.
  await using server = await startServer({ transport: 'udp', host: '127.0.0.1', port: 0, success: 0.5 });
  console.log('lossy udp server (success 0.5) started in this process');
  await run(server.address.port, 50);
  clearTimeout(watchdog);
}

const { values } = parseArgs({
  options: { demo: { type: 'boolean' }, port: { type: 'string', default: '9000' }, count: { type: 'string', default: '100' } },
});
try {
  if (values.demo === true) await demo();
  else await run(Number(values.port), Number(values.count));
} catch (err) {
  // A bad option (RxnetInvalidOptionError names it): one line, exit 1.
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
