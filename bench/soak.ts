/**
 * `npm run soak -- --minutes N`: a long, mixed, lossy load against two rxnet servers run as child
 * processes (`node cli/server.js`, one TCP, one UDP, both `--success 0.9`), checking every answer.
 *
 * - UDP: calc clients (createCalcClient, transport udp) retry with backoff; a tenth of the
 *   replies are dropped, so retries are the norm.
 * - TCP: calc clients over createTcpClient sessions; with `--success 0.9` the server ends a
 *   connection at a lost roll, so sessions break all the time and clients reconnect and retry.
 *   Every few seconds a client is closed and a new one created (connection churn).
 *
 * Every reply is compared with the answer computed locally: `answered` (right), `mismatched`
 * (a reply that is not the answer to its request: must stay 0), `lost` (the client gave up).
 * Prints one line per interval with the counts and the servers' RSS, and a summary at the end.
 * Bounded: it stops by itself after the time given, keeps a fixed number of requests in flight,
 * and stops only the child processes it started, by PID. Exit 1 if anything was mismatched or a
 * server's RSS grew beyond the bound.
 *
 *   npm run soak -- --minutes 10
 *   npm run soak -- --seconds 20 --interval 2 --concurrency 16
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { createCalcClient, encodeOutcome, evaluateRequest, OPERATORS, type CalcClient, type CalcRequest } from '../lib/index.js';
import { isMain } from './isMain.js';
import { readRssKiB } from './procStats.js';

/** The repository root (this file runs from dist/bench/). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** How long to run, in ms. */
  readonly durationMs: number;
  /** How often to print a line (and sample RSS), in ms. */
  readonly intervalMs: number;
  /** Requests in flight per transport. */
  readonly concurrency: number;
  /** The servers' --success. */
  readonly success: number;
  /** How often a TCP client is replaced by a new one, in ms. */
  readonly churnMs: number;
  /** The largest allowed growth of a server's RSS over its first sample, in MiB. */
  readonly rssGrowthBoundMiB: number;
  /** Seed of the request generator. */
  readonly seed: number;
  /** Where progress lines go. Defaults to stdout. */
  readonly log: (line: string) => void;
  /** Stops the soak early (SIGINT); it still cleans up and reports. */
  readonly signal: AbortSignal | undefined;
}

/** Counts for one transport. */
export interface SoakCounts {
  answered: number;
  mismatched: number;
  lost: number;
}

/** What a soak saw. */
export interface SoakReport {
  readonly tcp: SoakCounts;
  readonly udp: SoakCounts;
  /** RSS samples per server, in KiB, first (after start-up) to last. */
  readonly rssKiB: { readonly tcp: number[]; readonly udp: number[] };
  /** The largest growth over the first sample, in MiB, of either server. */
  readonly rssGrowthMiB: number;
  /** Examples of mismatches, for the log. */
  readonly mismatches: string[];
  readonly elapsedMs: number;
}

const DEFAULTS: Omit<SoakOptions, 'durationMs'> = {
  intervalMs: 5000,
  concurrency: 8,
  success: 0.9,
  churnMs: 3000,
  rssGrowthBoundMiB: 64,
  seed: 0x50a6,
  log: (line) => process.stdout.write(`${line}\n`),
  signal: undefined,
};

/** A server child process started by the soak. */
interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly port: number;
}

/** Starts `node cli/server.js --port 0 ...args`; resolves with its port once it prints its ready line. */
function startServerChild(args: readonly string[]): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['cli/server.js', '--port', '0', ...args], { cwd: ROOT, stdio: 'pipe' });
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`no ready line within 5 s: ${err}`)), 5000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /listening \w+ [^\n]*:(\d+)\n/.exec(out)?.[1];
      if (port === undefined) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ process: child, port: Number(port) });
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}: ${err}`)));
  });
}

/** SIGTERM, then SIGKILL after 2 s; resolves once it has exited. Only ever called on our own children. */
function stopChild(child: Child): Promise<void> {
  const proc = child.process;
  proc.removeAllListeners('exit');
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** mulberry32: seeded numbers in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A random request: small integers mostly, some fractions, zero divisors and overflows. */
function randomRequest(random: () => number): CalcRequest {
  const operand = (): number => {
    const roll = random();
    if (roll < 0.6) return Math.floor(random() * 2001) - 1000;
    if (roll < 0.9) return (random() - 0.5) * 1e6;
    return [0, 1e308, -1e308, 0.5][Math.floor(random() * 4)] ?? 0;
  };
  return { op: OPERATORS[Math.floor(random() * OPERATORS.length)] ?? '+', a: operand(), b: operand() };
}

/** Runs one transport's request loops until `stopAt`, checking each answer. */
async function drive(
  clientFor: () => CalcClient,
  lanes: number,
  running: () => boolean,
  random: () => number,
  counts: SoakCounts,
  mismatches: string[],
): Promise<void> {
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (running()) {
        const request = randomRequest(random);
        const expected = encodeOutcome(evaluateRequest(request));
        try {
          const reply = await firstValueFrom(clientFor().request(request));
          if (reply.text === expected) counts.answered += 1;
          else {
            counts.mismatched += 1;
            if (mismatches.length < 10) mismatches.push(`${JSON.stringify(request)}: got ${reply.text}, expected ${expected}`);
          }
        } catch {
          counts.lost += 1;
        }
      }
    }),
  );
}

const mib = (kib: number | undefined): string => (kib === undefined ? '?' : `${(kib / 1024).toFixed(1)} MiB`);

/**
 * Runs the soak and resolves with its report; stops its servers and clients before resolving.
 *
 * Example: `const report = await runSoak({ durationMs: 5000, log: () => {} })`
 */
export async function runSoak(options: Partial<SoakOptions> & { durationMs: number }): Promise<SoakReport> {
  const o: SoakOptions = { ...DEFAULTS, ...options };
  const success = String(o.success);
  const children: Child[] = [];
  const clients = new Set<CalcClient>();
  const retiring = new Set<NodeJS.Timeout>();
  try {
    const tcpServer = await startServerChild(['--tcp', '--success', success]);
    children.push(tcpServer);
    const udpServer = await startServerChild(['--udp', '--success', success]);
    children.push(udpServer);

    const newTcpClient = (): CalcClient => {
      const client = createCalcClient({
        transport: 'tcp',
        port: tcpServer.port,
        retry: { initial: 250, max: 1000 },
        tcp: { sessions: 2, maxInFlight: 4, replyGap: 0, reconnect: { initial: 20, factor: 2, max: 500 } },
      });
      clients.add(client);
      return client;
    };
    const udpClient = createCalcClient({ transport: 'udp', port: udpServer.port, retry: { initial: 50, max: 400 } });
    clients.add(udpClient);
    let tcpClient = newTcpClient();

    const started = performance.now();
    const stopAt = started + o.durationMs;
    const running = (): boolean => performance.now() < stopAt && o.signal?.aborted !== true;
    const tcp: SoakCounts = { answered: 0, mismatched: 0, lost: 0 };
    const udp: SoakCounts = { answered: 0, mismatched: 0, lost: 0 };
    const mismatches: string[] = [];
    const rssKiB = { tcp: [] as number[], udp: [] as number[] };
    const sample = (): void => {
      const t = readRssKiB(tcpServer.process.pid ?? 0);
      const u = readRssKiB(udpServer.process.pid ?? 0);
      if (t !== undefined) rssKiB.tcp.push(t);
      if (u !== undefined) rssKiB.udp.push(u);
      const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(5);
      const line = (name: string, c: SoakCounts): string => `${name} answered ${c.answered} lost ${c.lost} mismatched ${c.mismatched}`;
      o.log(`${seconds} s  ${line('tcp', tcp)}  rss ${mib(t)}  |  ${line('udp', udp)}  rss ${mib(u)}`);
    };
    sample();
    const ticker = setInterval(sample, o.intervalMs);
    const churn = setInterval(() => {
      const old = tcpClient;
      tcpClient = newTcpClient();
      // New requests go to the new client; the old one is closed once its requests are done (the
      // retry policy gives up on a request within 1.75 s).
      const timer = setTimeout(() => {
        retiring.delete(timer);
        void old.close().then(() => clients.delete(old));
      }, 2500);
      retiring.add(timer);
    }, o.churnMs);
    const random = seeded(o.seed);
    try {
      await Promise.all([
        drive(() => tcpClient, o.concurrency, running, random, tcp, mismatches),
        drive(() => udpClient, o.concurrency, running, random, udp, mismatches),
      ]);
    } finally {
      clearInterval(ticker);
      clearInterval(churn);
    }
    sample();
    const growth = (samples: number[]): number => (samples.length < 2 ? 0 : (Math.max(...samples) - (samples[0] ?? 0)) / 1024);
    return {
      tcp,
      udp,
      rssKiB,
      rssGrowthMiB: Math.max(growth(rssKiB.tcp), growth(rssKiB.udp)),
      mismatches,
      elapsedMs: performance.now() - started,
    };
  } finally {
    for (const timer of retiring) clearTimeout(timer);
    await Promise.all([...clients].map((client) => client.close()));
    await Promise.all(children.map(stopChild));
  }
}

const USAGE = `Usage: npm run soak -- [--minutes N | --seconds S] [options]
  --minutes N        how long to run (default 1)
  --seconds S        how long to run, in seconds (instead of --minutes)
  --interval S       seconds between progress lines (default 5)
  --concurrency N    requests in flight per transport (default 8)
  --success P        the servers' --success (default 0.9)
  --rss-bound MiB    fail if a server's RSS grows more than this over its first sample (default 64)`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      minutes: { type: 'string' },
      seconds: { type: 'string' },
      interval: { type: 'string' },
      concurrency: { type: 'string' },
      success: { type: 'string' },
      'rss-bound': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const number = (flag: string, text: string | undefined, fallback: number, min: number, max: number): number => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`Invalid --${flag} "${text}" (expected a number from ${min} to ${max})`);
    return value;
  };
  const seconds = values.seconds !== undefined ? number('seconds', values.seconds, 60, 1, 86_400) : 60 * number('minutes', values.minutes, 1, 0.05, 1440);
  const bound = number('rss-bound', values['rss-bound'], DEFAULTS.rssGrowthBoundMiB, 1, 4096);
  // Ctrl-C or SIGTERM: stop early, still stop the servers and print the summary.
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const report = await runSoak({
    durationMs: seconds * 1000,
    intervalMs: 1000 * number('interval', values.interval, 5, 0.5, 3600),
    concurrency: number('concurrency', values.concurrency, 8, 1, 256),
    success: number('success', values.success, 0.9, 0, 1),
    rssGrowthBoundMiB: bound,
    signal: stop.signal,
  }).finally(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  const total = (c: SoakCounts): number => c.answered + c.lost + c.mismatched;
  for (const [name, c] of [['tcp', report.tcp], ['udp', report.udp]] as const) {
    process.stdout.write(`${name}: ${total(c)} requests, ${c.answered} answered, ${c.lost} lost (${((100 * c.lost) / Math.max(1, total(c))).toFixed(3)}%), ${c.mismatched} mismatched\n`);
  }
  process.stdout.write(`largest server RSS growth: ${report.rssGrowthMiB.toFixed(1)} MiB (bound ${bound})\n`);
  for (const line of report.mismatches) process.stdout.write(`mismatch: ${line}\n`);
  return report.tcp.mismatched + report.udp.mismatched === 0 && report.rssGrowthMiB <= bound ? 0 : 1;
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`soak: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
