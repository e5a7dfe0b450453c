import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/** What a well-behaved client saw: how many answers, how many wrong or missing, and latencies in ms. */
export interface ProbeReport {
  readonly answered: number;
  /** Replies that were not the right answer to the request just sent. */
  readonly wrong: number;
  /** Requests with no reply within the probe's reply timeout. */
  readonly missing: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** The `q` quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

function report(latencies: readonly number[], wrong: number, missing: number): ProbeReport {
  return {
    answered: latencies.length,
    wrong,
    missing,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.length === 0 ? NaN : Math.max(...latencies),
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of the probes. */
export interface ProbeOptions {
  /** How long to keep asking. */
  readonly durationMs: number;
  /** The pause between an answer and the next request. Defaults to 2 ms. */
  readonly intervalMs?: number;
  /** How long to wait for one reply before counting it missing. Defaults to 1000 ms. */
  readonly replyTimeoutMs?: number;
}

/**
 * A well-behaved TCP client: one connection, one request at a time (`+,i,7` for i = 1, 2, ...),
 * each reply checked and timed, for `durationMs`. Resolves with what it saw; never rejects for a
 * slow or wrong reply (those are counted), only if it cannot connect.
 */
export function probeTcp(port: number, options: ProbeOptions): Promise<ProbeReport> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    const latencies: number[] = [];
    let wrong = 0;
    let missing = 0;
    let buffered = '';
    let waiting: ((line: string | undefined) => void) | undefined;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline !== -1 && waiting !== undefined) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const wake = waiting;
        waiting = undefined;
        wake(line);
        newline = buffered.indexOf('\n');
      }
    });
    socket.on('error', () => waiting?.(undefined));
    socket.on('close', () => waiting?.(undefined));
    socket.once('connect', () => {
      void (async () => {
        const deadline = performance.now() + options.durationMs;
        for (let i = 1; performance.now() < deadline && !socket.destroyed; i += 1) {
          const sent = performance.now();
          const reply = await new Promise<string | undefined>((wake) => {
            const timer = setTimeout(() => wake(undefined), options.replyTimeoutMs ?? 1000);
            waiting = (line) => {
              clearTimeout(timer);
              wake(line);
            };
            socket.write(`+,${i},7\n`);
          });
          waiting = undefined;
          if (reply === undefined) missing += 1;
          else if (reply !== `200,${i + 7}`) wrong += 1;
          else latencies.push(performance.now() - sent);
          if (reply === undefined) break; // the stream is out of step now; stop rather than miscount
          await pause(options.intervalMs ?? 2);
        }
        socket.destroy();
        resolve(report(latencies, wrong, missing));
      })();
    });
    socket.once('error', reject);
  });
}

/**
 * A well-behaved UDP client: one socket, one datagram at a time (`*,i,3`), each reply checked
 * and timed, for `durationMs`. A reply that does not come within `replyTimeoutMs` is missing.
 */
export function probeUdp(port: number, options: ProbeOptions): Promise<ProbeReport> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const latencies: number[] = [];
    let wrong = 0;
    let missing = 0;
    let waiting: ((text: string) => void) | undefined;
    socket.on('message', (data) => waiting?.(data.toString('utf8')));
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      void (async () => {
        const deadline = performance.now() + options.durationMs;
        for (let i = 1; performance.now() < deadline; i += 1) {
          const sent = performance.now();
          const expected = `200,${i * 3}\n`;
          const reply = await new Promise<string | undefined>((wake) => {
            const timer = setTimeout(() => wake(undefined), options.replyTimeoutMs ?? 1000);
            waiting = (text) => {
              // A late reply to an earlier request is neither wrong nor this one's answer.
              if (text !== expected && /^200,\d+\n$/.test(text) && Number(text.slice(4)) < i * 3) return;
              clearTimeout(timer);
              wake(text);
            };
            socket.send(`*,${i},3`, port, '127.0.0.1');
          });
          waiting = undefined;
          if (reply === undefined) missing += 1;
          else if (reply !== expected) wrong += 1;
          else latencies.push(performance.now() - sent);
          await pause(options.intervalMs ?? 2);
        }
        socket.close(() => resolve(report(latencies, wrong, missing)));
      })();
    });
  });
}
