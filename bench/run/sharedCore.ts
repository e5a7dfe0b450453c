import { measure, type MeasureSetup } from './measure.js';
import type { SharedCoreRound, SharedCoreResult } from './results.js';
import type { Scenario } from './scenarios.js';
import { SERVER_LABELS, type ServerKind, type StartedServer } from './servers.js';
import { isCoreBusy, sharedCoreResult } from './summarize.js';

/** What a shared-core round needs beside the measuring setup. */
export interface SharedCoreOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Starts a fresh server of the kind, pinned to the servers' core. */
  readonly start: (kind: ServerKind) => Promise<StartedServer>;
  /** Each stopped server's exit, as `kind transport: code`. */
  readonly exits: string[];
}

/**
 * Shared-core rounds of a scenario: in each, a fresh rxnet and a fresh baseline server (the
 * scenario's `sharedCore`: plain Node, for UDP with rxnet's receive buffer), both pinned
 * to the servers' core, are warmed up and then loaded at the same time, each by its own
 * generator on the load core, for `seconds`. Whatever the machine does at each instant (this
 * VM's speed swings by 2x within 100 ms, with no steal time shown), both servers meet it
 * together, so the ratio of their throughputs is the ratio of what a request costs each, and it
 * varies about ten times less from round to round than a ratio of two back-to-back runs
 * (docs/performance.md). Fresh processes each round sample the process-to-process spread. Both
 * servers pay the switches between them on the shared core, which sets the absolute figures
 * below a server alone; only the ratios are quoted.
 *
 * Example: `const shared = await runSharedCore(setup, scenario, 0, { rounds: 11, seconds: 2, warmupSeconds: 1, start, exits })`
 */
export async function runSharedCore(setup: MeasureSetup, scenario: Scenario, rate: number, options: SharedCoreOptions): Promise<SharedCoreResult> {
  const baseline = scenario.sharedCore ?? 'plain';
  const rounds: SharedCoreRound[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    const servers: StartedServer[] = [];
    try {
      setup.progress.step(`${scenario.id} shared core, round ${round}/${options.rounds}: fresh servers${options.warmupSeconds > 0 ? ', warm-up' : ''}`);
      // Started one after the other, in alternating order, so neither is always the older process.
      const kinds: ServerKind[] = round % 2 === 1 ? ['rxnet', baseline] : [baseline, 'rxnet'];
      for (const kind of kinds) servers.push(await options.start(kind));
      const [rxnet, plain] = [servers[kinds.indexOf('rxnet')], servers[kinds.indexOf(baseline)]] as [StartedServer, StartedServer];
      if (options.warmupSeconds > 0) await Promise.all([rxnet, plain].map((server) => measure(setup, server, scenario, rate, options.warmupSeconds)));
      setup.progress.step(`${scenario.id} shared core, round ${round}/${options.rounds}: ${SERVER_LABELS.rxnet} and ${SERVER_LABELS[baseline]} at once`);
      const [a, b] = await Promise.all([measure(setup, rxnet, scenario, rate, options.seconds), measure(setup, plain, scenario, rate, options.seconds)]);
      rounds.push({ rxnet: a, plain: b, coreBusy: isCoreBusy(a, b) });
    } finally {
      for (const server of servers) options.exits.push(`${server.kind} ${server.transport} (shared core): ${await server.stop()}`);
    }
  }
  return sharedCoreResult(rounds, baseline);
}
