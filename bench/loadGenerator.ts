/**
 * The Node load generator, a separate plain-Node process (no RxJS, no rxnet), so it measures the
 * server rather than competing with it inside one event loop. `npm run bench` uses the native one
 * (bench/native/calcload.c) and falls back to this one only where no C compiler is found (or with
 * --node-load); this one is also what measures the idle-connections memory.
 *
 *   node dist/bench/loadGenerator.js --tcp --port P --connections 64 --window 32 --seconds 2
 *   node dist/bench/loadGenerator.js --udp --port P --window 32 --requests 100000
 *   node dist/bench/loadGenerator.js --tcp --port P --idle 5000 --server-pid PID
 *
 * Prints one JSON line (a LoadResult, or an IdleResult with --idle) on stdout; with --progress,
 * `progress N` lines on stderr. Exit 0 when every reply was verified, 1 otherwise, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { isMain } from './isMain.js';
import { runIdleTcp } from './load/idleTcp.js';
import type { LoadOptions } from './load/LoadOptions.js';
import { runTcpLoad } from './load/tcpLoad.js';
import { runUdpLoad } from './load/udpLoad.js';

const USAGE = `Usage: node dist/bench/loadGenerator.js [--tcp | --udp] --port P [options]
  --host H            server address (default 127.0.0.1)
  --connections C     TCP connections (default 1)
  --window W          requests in flight per TCP connection / UDP sockets with one each (default 1)
  --requests N        at most N requests (default 1000000)
  --seconds S         at most S seconds of sending (default 2)
  --rate R            offer R requests/s (open loop); default 0 = closed loop
  --timeout-ms T      UDP reply timeout / TCP final drain (default 500)
  --idle N            instead: hold N idle TCP connections and report server RSS (needs --server-pid)
  --server-pid PID    the server process, for /proc RSS readings
  --server-pids A,B   server processes whose CPU use over the run to report
  --progress          print "progress N" lines on stderr`;

const OPTIONS = {
  tcp: { type: 'boolean' },
  udp: { type: 'boolean' },
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string' },
  connections: { type: 'string', default: '1' },
  window: { type: 'string', default: '1' },
  requests: { type: 'string', default: '1000000' },
  seconds: { type: 'string', default: '2' },
  rate: { type: 'string', default: '0' },
  'timeout-ms': { type: 'string', default: '500' },
  idle: { type: 'string' },
  'server-pid': { type: 'string' },
  'server-pids': { type: 'string' },
  progress: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** Reads a numeric flag, or throws a one-line usage error naming it. */
function numberFlag(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new Error(`Invalid --${name} "${value ?? ''}" (expected a number ${min}-${max})`);
  }
  return n;
}

/** Runs the load generator with `argv`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    process.stderr.write(`loadGenerator: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    if (values.tcp === true && values.udp === true) throw new Error('--tcp and --udp cannot be used together');
    const port = numberFlag('port', values.port, 1, 65535);
    if (values.idle !== undefined) {
      const result = await runIdleTcp({
        host: values.host,
        port,
        connections: numberFlag('idle', values.idle, 1, 100_000),
        serverPid: numberFlag('server-pid', values['server-pid'], 1, 2 ** 31),
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return result.failed === 0 ? 0 : 1;
    }
    const options: LoadOptions = {
      transport: values.udp === true ? 'udp' : 'tcp',
      host: values.host,
      port,
      connections: numberFlag('connections', values.connections, 1, 10_000),
      window: numberFlag('window', values.window, 1, 4096),
      requests: numberFlag('requests', values.requests, 1, 50_000_000),
      seconds: numberFlag('seconds', values.seconds, 0.01, 600),
      rate: numberFlag('rate', values.rate, 0, 10_000_000),
      timeoutMs: numberFlag('timeout-ms', values['timeout-ms'], 1, 60_000),
      onProgress: values.progress === true ? (n) => process.stderr.write(`progress ${n}\n`) : undefined,
      serverPids: values['server-pids']?.split(',').map((pid) => numberFlag('server-pids', pid, 1, 2 ** 31)),
    };
    const result = options.transport === 'tcp' ? await runTcpLoad(options) : await runUdpLoad(options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.mismatches === 0 && result.errors === 0 && result.unanswered === 0 ? 0 : 1;
  } catch (err) {
    process.stderr.write(`loadGenerator: ${(err as Error).message}\n`);
    return 2;
  }
}

if (isMain(import.meta.url)) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
