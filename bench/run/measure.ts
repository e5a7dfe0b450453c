import { join } from 'node:path';
import type { LoadResult } from '../load/LoadOptions.js';
import { processTree, readCpuSeconds, readRssKiB, readUdpReceiveDrops } from '../procStats.js';
import { collectOutput, startChild } from './children.js';
import type { Progress } from './Progress.js';
import type { RunSample } from './results.js';
import type { Scenario } from './scenarios.js';
import { REPO_ROOT, SERVER_LABELS, type StartedServer } from './servers.js';
import { loadBoundReason } from './summarize.js';

/** The load generator of a bench run: the native program, or the Node one where there is none. */
export type LoadGenerator = { readonly kind: 'native'; readonly binary: string; readonly mixFile: string } | { readonly kind: 'node' };

/** Where a load run goes. */
export interface LoadTarget {
  readonly host: string;
  readonly port: number;
  /** The server's processes, whose CPU use the generator reports. */
  readonly serverPids: readonly number[];
}

/**
 * The command line of one load run. Both generators take the same flags; on UDP the Node one
 * has one request in flight per socket, so it gets connections x window sockets (the same
 * requests in flight). The request bound is far above what either reaches in `seconds`, so the
 * time bound ends a run; both hold.
 *
 * Example: `loadCommand({ kind: 'node' }, scenario, { host: '127.0.0.1', port, serverPids: [pid] }, 0, 2)`
 */
export function loadCommand(generator: LoadGenerator, scenario: Scenario, target: LoadTarget, rate: number, seconds: number): string[] {
  const native = generator.kind === 'native';
  const udpNode = !native && scenario.transport === 'udp';
  const requestsPerSecond = native ? 10_000_000 : 3_000_000;
  const args = [
    `--${scenario.transport}`,
    '--host', target.host,
    '--port', String(target.port),
    '--connections', String(scenario.connections),
    '--window', String(udpNode ? scenario.connections * scenario.window : scenario.window),
    '--seconds', String(seconds),
    '--requests', String(Math.min(50_000_000, Math.max(10_000, Math.ceil(seconds * requestsPerSecond)))),
    '--rate', String(rate),
    '--timeout-ms', '1000',
    '--server-pids', target.serverPids.join(','),
    '--progress',
  ];
  if (native) return [generator.binary, '--mix', generator.mixFile, ...args];
  return [process.execPath, join(REPO_ROOT, 'dist', 'bench', 'loadGenerator.js'), ...args];
}

/** How one run is measured: the generator, its CPUs, and the cores the server may use. */
export interface MeasureSetup {
  readonly generator: LoadGenerator;
  readonly loadCpus: string | undefined;
  readonly serverCores: number;
  readonly progress: Progress;
}

/**
 * Runs the load generator once against `server`; returns its result with the server's CPU and
 * RSS over the run, and whether (and why) the run was load-bound.
 *
 * Example: `const sample = await measure(setup, server, scenario, 0, 2)`
 */
export async function measure(setup: MeasureSetup, server: StartedServer, scenario: Scenario, rate: number, seconds: number): Promise<RunSample> {
  const target = { host: server.host, port: server.port, serverPids: processTree(server.pid) };
  const cpuBefore = readCpuSeconds(server.pid) ?? 0;
  const dropsBefore = readUdpReceiveDrops() ?? 0;
  const child = startChild({
    command: loadCommand(setup.generator, scenario, target, rate, seconds),
    cpus: setup.loadCpus,
    onStderrLine: (line) => {
      const match = /^progress (\d+)$/.exec(line);
      if (match !== null) setup.progress.live(Number(match[1]));
      else setup.progress.note(`  load generator (${SERVER_LABELS[server.kind]}): ${line}`);
    },
  });
  const { stdout } = await collectOutput(child, (seconds + 1) * 1000 + 20_000);
  const cpuSeconds = (readCpuSeconds(server.pid) ?? 0) - cpuBefore;
  const result = JSON.parse(lastJsonLine(stdout)) as LoadResult;
  return {
    ...result,
    serverCpuSeconds: Math.round(cpuSeconds * 100) / 100,
    cpuMicrosPerRequest: result.verified === 0 ? Number.NaN : Math.round((cpuSeconds / result.verified) * 1e8) / 100,
    serverRssKiB: readRssKiB(server.pid) ?? Number.NaN,
    udpReceiveDrops: (readUdpReceiveDrops() ?? 0) - dropsBefore,
    loadBound: loadBoundReason(result, setup.serverCores),
  };
}

/** The last line of a generator's stdout, which must be its JSON result. */
export function lastJsonLine(text: string): string {
  const lines = text.trim().split('\n');
  const line = lines[lines.length - 1] ?? '';
  if (!line.startsWith('{')) throw new Error(`the load generator printed no result (output: ${JSON.stringify(text.slice(0, 200))})`);
  return line;
}
