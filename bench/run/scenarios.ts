/** One throughput/latency scenario of `npm run bench`. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly transport: 'tcp' | 'udp';
  readonly connections: number;
  readonly window: number;
  /**
   * Open loop at this fraction of the slower server's median throughput in scenario `rateOf`,
   * so both servers get the same offered load (for the p99 target). Absent: closed loop.
   */
  readonly rateOf?: { readonly scenario: string; readonly fraction: number };
}

/** The scenarios, in run order (a rate scenario comes after the one it takes its rate from). */
export const SCENARIOS: readonly Scenario[] = [
  { id: 'tcp-c1-w1', title: 'TCP 1 conn, window 1', transport: 'tcp', connections: 1, window: 1 },
  { id: 'tcp-c64-w32', title: 'TCP 64 conns, window 32', transport: 'tcp', connections: 64, window: 32 },
  {
    id: 'tcp-half-load',
    title: 'TCP 64x32 at 50% load',
    transport: 'tcp',
    connections: 64,
    window: 32,
    rateOf: { scenario: 'tcp-c64-w32', fraction: 0.5 },
  },
  { id: 'udp-w1', title: 'UDP window 1', transport: 'udp', connections: 1, window: 1 },
  { id: 'udp-w32', title: 'UDP window 32', transport: 'udp', connections: 32, window: 32 },
  {
    id: 'udp-half-load',
    title: 'UDP at 50% of w32 load',
    transport: 'udp',
    // Room for bursts, so the open-loop rate is not capped by the window.
    connections: 128,
    window: 128,
    rateOf: { scenario: 'udp-w32', fraction: 0.5 },
  },
];

/** The scenario id of the idle-connections memory measurement. */
export const IDLE_SCENARIO = 'tcp-idle';
