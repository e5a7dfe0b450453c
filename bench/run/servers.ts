import { spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RECV_BUFFER_SIZE } from '../../lib/index.js';
import { startChild, stopChild, waitForLine } from './children.js';

/**
 * The servers a scenario can run: rxnet's `cli/server.js`; the plain-Node yardstick
 * (bench/plainNodeServer.ts, sharing no code with rxnet), against which every ratio is taken; the
 * old baseline reusing rxnet's pure functions (bench/baselineServer.ts); a user's own RxJS
 * pipeline on `serveTcp` (bench/userPipelineServer.ts, TCP only).
 */
export const SERVER_KINDS = ['rxnet', 'plain', 'plainBuffered', 'reusing', 'user'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** The server every ratio is taken against. */
export const YARDSTICK: ServerKind = 'plain';

/** How the table and the SVG name each server. */
export const SERVER_LABELS: Readonly<Record<ServerKind, string>> = {
  rxnet: 'rxnet',
  plain: 'plain node',
  plainBuffered: 'plain, 4 MiB buf',
  reusing: 'reusing fns',
  user: 'user pipeline',
};

/** The bench's own server scripts, under dist/bench/. */
const SCRIPTS: Readonly<Record<Exclude<ServerKind, 'rxnet'>, string>> = {
  plain: 'plainNodeServer.js',
  plainBuffered: 'plainNodeServer.js',
  reusing: 'baselineServer.js',
  user: 'userPipelineServer.js',
};

/** The repository root (this file runs as dist/bench/run/servers.js). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** How to start a server under test. */
export interface ServerSpec {
  readonly kind: ServerKind;
  readonly transport: 'tcp' | 'udp';
  /** CPUs to pin it to (`0`, `0-1`), if taskset exists. */
  readonly cpus?: string;
  /** Passed as `--workers N` when above 1 (the rxnet CLI must support the flag). */
  readonly workers: number;
  /** Node flags before the script, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  /** Extra server flags (e.g. `--verbose`). */
  readonly extraArgs?: readonly string[];
  readonly onStderrLine?: (line: string) => void;
  /** The checkout whose `cli/server.js` is "rxnet" (to compare a patched lib/). Defaults to this repository. */
  readonly rxnetRoot?: string;
  /** A checkout whose `cli/server.js` runs in the plain baseline's place (an A/B of two lib/ versions). */
  readonly compareRoot?: string;
  /** Lift rxnet's protective limits for a benchmark with up to this many connections (see benchLimitArgs). */
  readonly liftLimits?: number;
  /** Run rxnet with `--metrics-port 0` (its Prometheus endpoint on), where its CLI lists the flag. */
  readonly metrics?: boolean;
}

/** A server under test, listening. */
export interface StartedServer {
  readonly kind: ServerKind;
  readonly transport: 'tcp' | 'udp';
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Stops it by PID; resolves with how it ended (`0` is a clean exit). */
  stop(): Promise<string>;
}

/** The flags a checkout's `cli/server.js --help` lists (cached per checkout). */
const helpCache = new Map<string, string>();
function rxnetHelp(root: string): string {
  let help = helpCache.get(root);
  if (help === undefined) {
    help = spawnSync(process.execPath, [join(root, 'cli', 'server.js'), '--help'], { encoding: 'utf8' }).stdout ?? '';
    helpCache.set(root, help);
  }
  return help;
}

/**
 * Flags that lift rxnet's protective limits where they would cap the benchmark instead of
 * measuring it: the per-source UDP reply rate limit (all load comes from 127.0.0.1) is set so
 * high that it never limits, while its bookkeeping still runs; the connection limit is raised
 * above the idle scenario's count. Only flags the checkout's CLI lists are passed.
 */
export function benchLimitArgs(root: string, transport: 'tcp' | 'udp', connections: number): string[] {
  const help = rxnetHelp(root);
  const args: string[] = [];
  if (transport === 'udp' && help.includes('--udp-rate')) args.push('--udp-rate', '1000000000');
  if (transport === 'udp' && help.includes('--udp-burst')) args.push('--udp-burst', '1000000000');
  if (transport === 'tcp' && help.includes('--max-connections')) args.push('--max-connections', String(Math.max(10_000, connections + 1000)));
  return args;
}

/**
 * The command line of a server: rxnet's `cli/server.js` or one of the bench's own servers. An
 * rxnet CLI gets `--metrics-port 0` with `spec.metrics` (it prints `metrics http HOST:PORT/metrics`
 * on stderr) and never `--wiretap`: the targets hold with metrics on and the wiretap off.
 */
export function serverCommand(spec: ServerSpec): string[] {
  const compared = spec.kind === YARDSTICK ? spec.compareRoot : undefined;
  const script =
    spec.kind === 'rxnet'
      ? join(spec.rxnetRoot ?? REPO_ROOT, 'cli', 'server.js')
      : compared !== undefined
        ? join(compared, 'cli', 'server.js')
        : join(REPO_ROOT, 'dist', 'bench', SCRIPTS[spec.kind]);
  const args = [`--${spec.transport}`, '--host', '127.0.0.1', '--port', '0', ...(spec.extraArgs ?? [])];
  // The plain server with rxnet's default UDP receive buffer: the yardstick of UDP latency at
  // saturation, where the buffer (not the code) decides how many datagrams queue (docs/performance.md).
  if (spec.kind === 'plainBuffered' && spec.transport === 'udp') args.push('--recv-buffer-size', String(DEFAULT_RECV_BUFFER_SIZE));
  const rxnetRoot = spec.kind === 'rxnet' ? (spec.rxnetRoot ?? REPO_ROOT) : compared;
  if (rxnetRoot !== undefined && spec.liftLimits !== undefined) args.push(...benchLimitArgs(rxnetRoot, spec.transport, spec.liftLimits));
  if (rxnetRoot !== undefined && spec.metrics === true && rxnetHelp(rxnetRoot).includes('--metrics-port')) args.push('--metrics-port', '0');
  if (spec.workers > 1) args.push('--workers', String(spec.workers));
  return [process.execPath, ...(spec.nodeFlags ?? []), script, ...args];
}

/**
 * Starts a server as a child process and waits for its `listening tcp|udp HOST:PORT` line.
 *
 * Example: `const server = await startServer({ kind: 'rxnet', transport: 'tcp', cpus: '0', workers: 1 })`
 */
export async function startServer(spec: ServerSpec): Promise<StartedServer> {
  let lastStderr = '';
  const child = startChild({
    command: serverCommand(spec),
    cpus: spec.cpus,
    onStderrLine: (line) => {
      lastStderr = line;
      spec.onStderrLine?.(line);
    },
  });
  let line: string;
  try {
    line = await waitForLine(child, /^listening (tcp|udp) /, 10_000);
  } catch (err) {
    await stopChild(child, 500);
    throw new Error(`${spec.kind} ${spec.transport} server did not start: ${(err as Error).message}${lastStderr === '' ? '' : ` (stderr: ${lastStderr})`}`);
  }
  const match = /^listening (?:tcp|udp) (.+):(\d+)$/.exec(line);
  if (match === null || child.pid === undefined) {
    await stopChild(child, 500);
    throw new Error(`${spec.kind}: unexpected ready line "${line}"`);
  }
  return {
    kind: spec.kind,
    transport: spec.transport,
    pid: child.pid,
    host: (match[1] as string).replace(/^\[|\]$/g, ''),
    port: Number(match[2]),
    child,
    stop: () => stopChild(child),
  };
}
