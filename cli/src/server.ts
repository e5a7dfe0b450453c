import { EXIT_OK, runMain } from './runMain.js';
import { announce, counterMetrics, isDiscoverableTransport, shareMetricsWithPrimary, locationOf, type DiscoverableTransport, type RunningServer, type Transport } from '../../lib/index.js';
import { startMetrics } from './startMetrics.js';
import { isWorker, leaveCluster, reportReady, runPrimary, WORKER_UUID_VARIABLE } from './serverCluster.js';
import { formatStats, parseServerArgs, runServer, SERVER_USAGE } from './serverCommand.js';

/**
 * Announces the server over SSDP until stopped. Workers of one `--workers` server share one
 * UUID (from the primary's environment), so discoverers list the server once.
 */
function startAnnouncing(
  server: RunningServer,
  network: { group: string; port: number; interfaceAddress?: string },
  verbose: boolean,
): { stop(): Promise<void> } {
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((done) => (markClosed = done));
  const uuid = process.env[WORKER_UUID_VARIABLE];
  const subscription = announce(
    { ...network, location: locationOf({ transport: discoverableTransport(server.transport), address: server.address }), ...(uuid === undefined ? {} : { uuid }) },
    { onClosed: markClosed, onSendError: (err) => verbose && process.stderr.write(`ssdp: ${err.message}\n`) },
  ).subscribe({
    next: (event) => {
      if (verbose) process.stderr.write(`ssdp: ${event.type}\n`);
    },
    error: (err: unknown) => {
      process.stderr.write(`rxnet server: cannot announce: ${err instanceof Error ? err.message : String(err)}\n`);
      markClosed();
    },
  });
  return {
    stop: () => {
      subscription.unsubscribe();
      return closed;
    },
  };
}

/** The transport an SSDP LOCATION names; parseServerArgs lets --announce through for discoverable ones only. */
function discoverableTransport(transport: Transport): DiscoverableTransport {
  if (!isDiscoverableTransport(transport)) throw new Error(`--announce cannot name a ${transport} server`);
  return transport;
}

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 2000;

/** `node cli/server.js`: parse flags, start the server, close it on SIGINT/SIGTERM. */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const request = parseServerArgs(argv);
  if (request.help) {
    process.stdout.write(`${SERVER_USAGE}\n`);
    return EXIT_OK;
  }
  if (request.workers > 1 && !isWorker()) return runPrimary(request.workers, SHUTDOWN_DEADLINE_MS, request.metrics);
  const server = await runServer(
    request,
    (line) => (isWorker() ? reportReady(line) : process.stdout.write(`${line}\n`)),
    (line) => process.stderr.write(`${line}\n`),
  );
  const stats =
    request.statsMs === undefined
      ? undefined
      : server.stats(request.statsMs).subscribe((snapshot) => process.stdout.write(`${formatStats(snapshot)}\n`));
  const announcer = request.announce === undefined ? undefined : startAnnouncing(server, request.announce, request.verbose);
  const registry = request.metrics === undefined ? undefined : counterMetrics({ transport: server.transport, read: () => server.snapshot(), latency: server });
  // A worker of --workers hands its series to the primary, which serves them all on the port.
  if (registry !== undefined && isWorker()) shareMetricsWithPrimary(registry);
  const metrics =
    registry === undefined || request.metrics === undefined || isWorker()
      ? undefined
      : await startMetrics(registry, request.metrics, () => Promise.all([announcer?.stop(), server.close()]));
  let stopping = false;
  const shutdown = (): void => {
    // A second signal (Ctrl-C reaches a cluster's primary and workers, then the primary sends
    // SIGTERM) must not kill the process in the middle of its grace period: it is ignored.
    if (stopping) return;
    stopping = true;
    stats?.unsubscribe();
    if (stats !== undefined) process.stdout.write(`${formatStats(server.snapshot())}\n`);
    setTimeout(() => process.exit(EXIT_OK), SHUTDOWN_DEADLINE_MS).unref();
    // ssdp:byebye goes out while the server finishes what it received.
    void Promise.all([announcer?.stop(), metrics?.close(), server.close({ graceMs: request.graceMs })]).then(() => {
      process.exitCode = EXIT_OK;
      leaveCluster(); // a worker: nothing else may keep it alive
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return undefined;
}

// A worker that fails (cannot listen) must exit, not stay alive on its channel to the primary.
runMain('rxnet server', () =>
  main(process.argv.slice(2)).catch((err: unknown) => {
    leaveCluster();
    throw err;
  }),
);
