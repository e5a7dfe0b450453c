import type { ServerKind } from './servers.js';

/** One throughput/latency scenario of `npm run bench`. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly transport: 'tcp' | 'udp';
  /** TCP connections, or UDP sockets. */
  readonly connections: number;
  /** Requests in flight per connection or socket. */
  readonly window: number;
  /** The servers it runs, in table order; ratios are taken against `plain`, which is always one. */
  readonly servers: readonly ServerKind[];
  /**
   * Open loop at this fraction of the slowest server's median throughput in scenario `rateOf`,
   * so every server gets the same offered load (for latency at the same load). Absent: closed loop.
   */
  readonly rateOf?: { readonly scenario: string; readonly fraction: number };
  /**
   * Also measured in shared-core rounds (rxnet and this baseline at once on one core,
   * sharedCore.ts): the scenarios whose targets compare rxnet with plain at a few per cent. UDP
   * shares its core with plain Node given rxnet's receive buffer: with the default one, plain
   * loses thousands of datagrams, its generator waits out their timeouts, and the core idles.
   */
  readonly sharedCore?: 'plain' | 'plainBuffered';
}

const PAIR: readonly ServerKind[] = ['rxnet', 'plain'];
/** At saturation, the baseline reusing rxnet's pure functions too: it splits rxnet's cost in two. */
const WITH_REUSING: readonly ServerKind[] = ['rxnet', 'reusing', 'plain'];

/** The scenarios, in run order (a rate scenario comes after the one it takes its rate from). */
export const SCENARIOS: readonly Scenario[] = [
  { id: 'tcp-c1-w1', title: 'TCP 1 conn x 1', transport: 'tcp', connections: 1, window: 1, servers: PAIR, sharedCore: 'plain' },
  { id: 'tcp-c64-w32', title: 'TCP 64 conns x 32', transport: 'tcp', connections: 64, window: 32, servers: WITH_REUSING, sharedCore: 'plain' },
  { id: 'tcp-user-c64-w32', title: 'TCP 64x32, user pipeline', transport: 'tcp', connections: 64, window: 32, servers: ['user', 'plain'] },
  {
    id: 'tcp-half-load',
    title: 'TCP 64x32 at 50% load',
    transport: 'tcp',
    connections: 64,
    window: 32,
    servers: PAIR,
    rateOf: { scenario: 'tcp-c64-w32', fraction: 0.5 },
  },
  { id: 'udp-w1', title: 'UDP 1 socket x 1', transport: 'udp', connections: 1, window: 1, servers: PAIR },
  { id: 'udp-s16-w32', title: 'UDP 16 sockets x 32', transport: 'udp', connections: 16, window: 32, servers: ['rxnet', 'reusing', 'plain', 'plainBuffered'], sharedCore: 'plainBuffered' },
  {
    id: 'udp-half-load',
    title: 'UDP 16x32 at 50% load',
    transport: 'udp',
    // Room for bursts, so the open-loop rate is not capped by the window.
    connections: 16,
    window: 128,
    servers: PAIR,
    rateOf: { scenario: 'udp-s16-w32', fraction: 0.5 },
  },
];

/** The scenario id of the idle-connections memory measurement (rxnet and plain). */
export const IDLE_SCENARIO = 'tcp-idle';

/** The scenario id of the impairment proxy against a plain pipe proxy (issue 14). */
export const PROXY_SCENARIO = 'proxy-tcp';

/** The servers of the idle-connections measurement. */
export const IDLE_SERVERS: readonly ServerKind[] = PAIR;
