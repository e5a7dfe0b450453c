/**
 * A user's own pipeline, for the bench's "what does composability cost" scenario: the calc
 * protocol as a user would assemble it from rxnet's public API, a chain of plain RxJS operators
 * around the protocol's pure functions, served by `serveTcp` (not `calcPipeline`, so nothing of
 * rxnet's own operator chain applies to it). It imports only lib/index.ts, as a user would.
 *
 *   node dist/bench/userPipelineServer.js [--tcp] [--host H] [--port P] [--max-line-length N] [--workers N]
 *
 * Prints `listening tcp HOST:PORT` once ready; SIGTERM or SIGINT closes it and exits 0.
 */
import { map, pipe, tap, type OperatorFunction, type Subscription } from 'rxjs';
import { ERROR_REPLY, encodeOutcome, evaluateRequest, isOverlong, parseRequest, serveTcp, type CalcOutcome, type Frame, type ParsedRequest } from '../lib/index.js';
import { isMain } from './isMain.js';
import { runServerProcess, type BenchServer, type BenchServerOptions } from './serverProcess.js';

/** What the user's pipeline counts on the side: a tap of their own. */
export interface UserCounters {
  answered: number;
  invalid: number;
}

/**
 * The user's chain: parse a frame (an over-long one is invalid), evaluate, count, encode. Four
 * operators of the user's choosing, each a plain RxJS `map` or `tap`.
 *
 * Example: `serveTcp({ port: 0 }, userPipeline({ answered: 0, invalid: 0 })).subscribe()`
 */
export function userPipeline(counters: UserCounters): OperatorFunction<Frame, string> {
  return pipe(
    map((frame: Frame): ParsedRequest => (isOverlong(frame) ? { ok: false, reason: 'too long' } : parseRequest(frame))),
    map((parsed): CalcOutcome => (parsed.ok ? evaluateRequest(parsed.request) : parsed)),
    tap((outcome) => {
      counters.answered += 1;
      if (!outcome.ok) counters.invalid += 1;
    }),
    map((outcome) => (outcome.ok ? encodeOutcome(outcome) : ERROR_REPLY)),
  );
}

/**
 * Starts the user-pipeline server (TCP only) in this process.
 *
 * Example: `const server = await startUserPipelineServer({ transport: 'tcp', host: '127.0.0.1', port: 0, maxLineLength: 4096 })`
 */
export function startUserPipelineServer(options: BenchServerOptions): Promise<BenchServer> {
  if (options.transport !== 'tcp') return Promise.reject(new Error('the user-pipeline server serves TCP only'));
  return new Promise((resolve, reject) => {
    let subscription: Subscription | undefined;
    let closing: Promise<void> | undefined;
    let onClosed: () => void = () => {};
    const closed = new Promise<void>((done) => (onClosed = done));
    const close = (): Promise<void> =>
      (closing ??= (() => {
        subscription?.unsubscribe();
        return closed;
      })());
    const serveOptions = {
      host: options.host,
      port: options.port,
      maxLineLength: options.maxLineLength,
      onListening: (address: { address: string; port: number; family: string }) => resolve({ address, close }),
      onClosed: () => onClosed(),
    };
    subscription = serveTcp(serveOptions, userPipeline({ answered: 0, invalid: 0 })).subscribe({ error: reject });
  });
}

if (isMain(import.meta.url)) void runServerProcess('userPipelineServer', startUserPipelineServer);
