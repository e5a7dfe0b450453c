import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/**
 * What a well-behaved client saw: how many requests it sent, how many were answered rightly,
 * wrongly or not at all, and the latencies of the right answers in ms. The counts are what the
 * hostile specs assert; the latencies are figures for their report (see figures.ts), never a
 * pass/fail bound: on a shared machine they measure the machine as much as the server.
 */
export interface ProbeReport {
  /** Requests sent (each once on TCP; on UDP, the copies of one request count once). */
  readonly sent: number;
  /** Requests that got their right answer. */
  readonly answered: number;
  /** Replies that were not the right answer to the request just sent. */
  readonly wrong: number;
  /** Requests with no reply within the probe's reply timeout (a hang guard, see ProbeOptions). */
  readonly missing: number;
  /** UDP only: copies sent again because the first got no reply within `resendAfterMs`. */
  readonly resent: number;
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

function report(sent: number, latencies: readonly number[], wrong: number, missing: number, resent = 0): ProbeReport {
  return {
    sent,
    answered: latencies.length,
    wrong,
    missing,
    resent,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.length === 0 ? NaN : Math.max(...latencies),
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of the probes. */
export interface ProbeOptions {
  /** Keep asking until this settles (the attack is over). The probe always asks at least once. */
  readonly until?: PromiseLike<unknown>;
  /** Or keep asking for this long (the baseline before the attacks). */
  readonly durationMs?: number;
  /** The pause between an answer and the next request. Defaults to 2 ms. */
  readonly intervalMs?: number;
  /**
   * How long to wait for one reply before counting it missing: a guard against a hang, far
   * beyond any latency worth reporting, not a latency bound. Defaults to 5000 ms.
   */
  readonly replyTimeoutMs?: number;
  /** UDP only: send a copy again after this long without a reply (a datagram may be lost). Defaults to never. */
  readonly resendAfterMs?: number;
}

/** True once the probe should stop asking: `until` has settled, or `durationMs` has passed. */
function stopSignal(options: ProbeOptions): () => boolean {
  let settled = false;
  const done = (): void => {
    settled = true;
  };
  options.until?.then(done, done);
  const deadline = options.durationMs === undefined ? Infinity : performance.now() + options.durationMs;
  return () => settled || performance.now() >= deadline;
}

/**
 * A well-behaved TCP client: one connection, one request at a time (`+,i,7` for i = 1, 2, ...),
 * each reply checked and timed, until `until` settles or for `durationMs`, and at least once.
 * Resolves with what it saw; never rejects for a slow or wrong reply (those are counted), only if
 * it cannot connect.
 */
export function probeTcp(port: number, options: ProbeOptions): Promise<ProbeReport> {
  const stopped = stopSignal(options);
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    const latencies: number[] = [];
    let sent = 0;
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
        for (let i = 1; (i === 1 || !stopped()) && !socket.destroyed; i += 1) {
          const started = performance.now();
          sent += 1;
          const reply = await new Promise<string | undefined>((wake) => {
            const timer = setTimeout(() => wake(undefined), options.replyTimeoutMs ?? 5000);
            waiting = (line) => {
              clearTimeout(timer);
              wake(line);
            };
            socket.write(`+,${i},7\n`);
          });
          waiting = undefined;
          if (reply === undefined) missing += 1;
          else if (reply !== `200,${i + 7}`) wrong += 1;
          else latencies.push(performance.now() - started);
          if (reply === undefined) break; // the stream is out of step now; stop rather than miscount
          await pause(options.intervalMs ?? 2);
        }
        socket.destroy();
        resolve(report(sent, latencies, wrong, missing));
      })();
    });
    socket.once('error', reject);
  });
}

/**
 * A well-behaved UDP client: one socket, one request at a time (`*,i,3`), each reply checked and
 * timed, until `until` settles or for `durationMs`, and at least once. With `resendAfterMs` it
 * sends a copy again while no reply has come, as a real client would; a request is missing when
 * no reply comes within `replyTimeoutMs`.
 */
export function probeUdp(port: number, options: ProbeOptions): Promise<ProbeReport> {
  const stopped = stopSignal(options);
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const latencies: number[] = [];
    let sent = 0;
    let wrong = 0;
    let missing = 0;
    let resent = 0;
    let waiting: ((text: string) => void) | undefined;
    socket.on('message', (data) => waiting?.(data.toString('utf8')));
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      void (async () => {
        for (let i = 1; i === 1 || !stopped(); i += 1) {
          const started = performance.now();
          const expected = `200,${i * 3}\n`;
          const request = `*,${i},3`;
          sent += 1;
          const reply = await new Promise<string | undefined>((wake) => {
            const timer = setTimeout(() => finish(undefined), options.replyTimeoutMs ?? 5000);
            const resend =
              options.resendAfterMs === undefined
                ? undefined
                : setInterval(() => {
                    resent += 1;
                    socket.send(request, port, '127.0.0.1');
                  }, options.resendAfterMs);
            const finish = (text: string | undefined): void => {
              clearTimeout(timer);
              clearInterval(resend);
              wake(text);
            };
            waiting = (text) => {
              // A late reply to an earlier request is neither wrong nor this one's answer.
              if (text !== expected && /^200,\d+\n$/.test(text) && Number(text.slice(4)) < i * 3) return;
              finish(text);
            };
            socket.send(request, port, '127.0.0.1');
          });
          waiting = undefined;
          if (reply === undefined) missing += 1;
          else if (reply !== expected) wrong += 1;
          else latencies.push(performance.now() - started);
          await pause(options.intervalMs ?? 2);
        }
        socket.close(() => resolve(report(sent, latencies, wrong, missing, resent)));
      })();
    });
  });
}
