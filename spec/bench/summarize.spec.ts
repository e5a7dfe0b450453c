import { expect } from 'chai';
import { formatTable } from '../../bench/run/formatTable.js';
import { loadCommand } from '../../bench/run/measure.js';
import type { BenchReport, GeneratorInfo, RunSample, ScenarioResult } from '../../bench/run/results.js';
import { SCENARIOS, type Scenario } from '../../bench/run/scenarios.js';
import { checkTargets, isCoreBusy, loadBoundReason, runOrder, scenarioResult, sharedCoreResult } from '../../bench/run/summarize.js';

/** A closed-loop run: the server's CPU, the generator's CPU and wait, the rest plausible. */
function sample(rps: number, serverCpuPercent: number, loadCpuPercent: number, loadWaitPercent = 0, serverWaitPercent = 0): RunSample {
  const run = { rate: 0, serverCpuPercent, serverWaitPercent, loadCpuPercent, loadWaitPercent };
  return {
    generator: 'native',
    transport: 'tcp',
    connections: 64,
    window: 32,
    sent: rps,
    verified: rps,
    mismatches: 0,
    lost: 0,
    late: 0,
    unanswered: 0,
    errors: 0,
    seconds: 1,
    rps,
    latency: { samples: rps, p50: 1000, p99: 4000, p999: 8000, max: 9000, mean: 1200 },
    maxBacklog: 0,
    serverCpuSeconds: serverCpuPercent / 100,
    cpuMicrosPerRequest: (serverCpuPercent / 100 / rps) * 1e6,
    serverRssKiB: 60_000,
    udpReceiveDrops: 0,
    loadBound: loadBoundReason(run, 1),
    ...run,
  };
}

const scenario = (id: string): Scenario => SCENARIOS.find((s) => s.id === id) as Scenario;

/** A report of one scenario, 1 run x 1 s, with its targets. */
function reportOf(result: ScenarioResult, generator: GeneratorInfo, sharedRounds = 0): BenchReport {
  return {
    machine: { cpuModel: 'cpu', cores: 2, node: 'v20', platform: 'linux', totalMemoryMiB: 1024, taskset: true, fdLimit: 1024 },
    settings: { seconds: 1, warmupSeconds: 0, runs: 1, idleConnections: 0, workers: 1, serverCpus: '0', loadCpus: '1', profileDir: undefined, rxnetRoot: undefined, compareRoot: undefined, sharedRounds },
    generator,
    startedAt: '',
    durationSeconds: 1,
    scenarios: [result],
    idle: undefined,
    targets: checkTargets([result], undefined),
    loadAverage: { start: 0, end: 0 },
    exits: [],
  };
}

describe('bench summaries', () => {
  describe('loadBoundReason', () => {
    it('calls a run load-bound when the server idles while the generator is saturated', () => {
      expect(loadBoundReason({ rate: 0, serverCpuPercent: 62, serverWaitPercent: 1, loadCpuPercent: 97, loadWaitPercent: 0 }, 1)).to.equal('generator saturated');
      // Saturated includes the time it waited for a CPU it wanted.
      expect(loadBoundReason({ rate: 0, serverCpuPercent: 62, serverWaitPercent: 1, loadCpuPercent: 60, loadWaitPercent: 35 }, 1)).to.equal('generator saturated');
    });

    it('calls a run load-bound when the server wanted its core but shared it (both pinned to one core)', () => {
      expect(loadBoundReason({ rate: 0, serverCpuPercent: 52, serverWaitPercent: 54, loadCpuPercent: 20, loadWaitPercent: 31 }, 1)).to.equal('server core shared');
    });

    it('does not call a run load-bound when the server used its core, or when neither was busy (round trips)', () => {
      expect(loadBoundReason({ rate: 0, serverCpuPercent: 96, serverWaitPercent: 30, loadCpuPercent: 99, loadWaitPercent: 0 }, 1)).to.equal(undefined);
      expect(loadBoundReason({ rate: 0, serverCpuPercent: 40, serverWaitPercent: 2, loadCpuPercent: 35, loadWaitPercent: 3 }, 1)).to.equal(undefined);
    });

    it('scales the server threshold with its cores and ignores open-loop runs', () => {
      expect(loadBoundReason({ rate: 0, serverCpuPercent: 150, serverWaitPercent: 0, loadCpuPercent: 99, loadWaitPercent: 0 }, 2)).to.equal('generator saturated');
      expect(loadBoundReason({ rate: 1000, serverCpuPercent: 10, serverWaitPercent: 0, loadCpuPercent: 99, loadWaitPercent: 0 }, 1)).to.equal(undefined);
      expect(loadBoundReason({ rate: 0, serverCpuPercent: null, serverWaitPercent: null, loadCpuPercent: 99, loadWaitPercent: 0 }, 1)).to.equal(undefined);
    });
  });

  describe('scenarioResult', () => {
    it('quotes each server against plain, run by run', () => {
      const result = scenarioResult(scenario('tcp-c64-w32'), 0, {
        rxnet: [sample(400_000, 99, 30), sample(300_000, 99, 30), sample(500_000, 99, 30)],
        reusing: [sample(800_000, 98, 40)],
        plain: [sample(1_000_000, 99, 45)],
      });
      expect(result.loadBound).to.equal(false);
      expect(result.ratios.rxnet?.rps).to.equal(0.4);
      expect(result.ratios.reusing?.rps).to.equal(0.8);
      expect(result.ratios).to.not.have.property('plain');
    });

    it('quotes no ratio against a load-bound plain run, nor for a load-bound server', () => {
      const result = scenarioResult(scenario('tcp-c64-w32'), 0, {
        rxnet: [sample(400_000, 99, 30)],
        reusing: [sample(800_000, 70, 95)],
        plain: [sample(1_000_000, 99, 45), sample(1_100_000, 80, 99)],
      });
      expect(result.loadBound).to.equal(true);
      expect(result.median.plain).to.include({ loadBound: true, loadBoundRuns: 1 });
      expect(result.ratios).to.deep.equal({ rxnet: null, reusing: null });
      const targets = checkTargets([result], undefined);
      expect(targets[0]).to.deep.equal({ name: 'TCP 64x32 throughput', goal: '>= 0.90x', measured: 'load-bound', met: false });
    });
  });

  describe('paired ratios', () => {
    it('takes the median of each run\'s ratio, so a machine that slows between runs moves both sides', () => {
      // The machine runs at full speed, then at 60 %, then at 60 %: rxnet is 0.95x in every run.
      const speeds = [1, 0.6, 0.6];
      const result = scenarioResult(scenario('tcp-c1-w1'), 0, {
        rxnet: speeds.map((speed) => sample(950_000 * speed, 99, 40)),
        plain: [1, 1, 0.6].map((speed) => sample(1_000_000 * speed, 99, 40)),
      });
      // The medians alone (570k vs 1M) would say 0.57x; run 1 pairs 0.95, runs 2 and 3 pair 0.57 and 0.95.
      expect(result.median.rxnet?.rps).to.equal(570_000);
      expect(result.ratios.rxnet?.rps).to.equal(0.95);
    });

    it('quotes no ratio when no run is clean for both servers', () => {
      const result = scenarioResult(scenario('tcp-c1-w1'), 0, {
        rxnet: [sample(950_000, 99, 40)],
        plain: [sample(300_000, 60, 99), sample(1_000_000, 99, 40), sample(1_000_000, 99, 40)],
      });
      expect(result.ratios.rxnet).to.equal(null);
    });

    it('also pairs the p99 against plain Node with the same receive buffer', () => {
      const withP99 = (s: RunSample, p99: number): RunSample => ({ ...s, latency: { ...s.latency, p99 } });
      const result = scenarioResult(scenario('udp-s16-w32'), 0, {
        rxnet: [withP99(sample(100_000, 99, 40), 1200), withP99(sample(100_000, 99, 40), 6000), withP99(sample(100_000, 99, 40), 6100)],
        plain: [sample(100_000, 99, 40), sample(100_000, 99, 40), sample(100_000, 99, 40)],
        plainBuffered: [withP99(sample(100_000, 99, 40), 1000), withP99(sample(100_000, 99, 40), 5000), withP99(sample(100_000, 99, 40), 1000)],
      });
      // Pairs 1.2, 1.2 and 6.1: median 1.2 (the medians alone, 6000 / 1000, would say 6x).
      const p99 = checkTargets([result], undefined).find((t) => t.name.startsWith('UDP p99'));
      expect(p99).to.deep.equal({ name: 'UDP p99 at 16x32, same buffer', goal: '<= 1.30x', measured: '1.20x', met: true });
    });
  });

  describe('runOrder', () => {
    it('measures the first server and plain back to back in every run, reversing every other run', () => {
      expect(runOrder(['rxnet', 'plain'], 0)).to.deep.equal(['rxnet', 'plain']);
      expect(runOrder(['rxnet', 'plain'], 1)).to.deep.equal(['plain', 'rxnet']);
      expect(runOrder(['rxnet', 'reusing', 'plain'], 0)).to.deep.equal(['rxnet', 'plain', 'reusing']);
      expect(runOrder(['rxnet', 'reusing', 'plain'], 1)).to.deep.equal(['reusing', 'plain', 'rxnet']);
    });

    it('keeps rxnet beside both plain servers of the UDP scenario', () => {
      expect(runOrder(['rxnet', 'reusing', 'plain', 'plainBuffered'], 0)).to.deep.equal(['plainBuffered', 'rxnet', 'plain', 'reusing']);
      expect(runOrder(['rxnet', 'reusing', 'plain', 'plainBuffered'], 3)).to.deep.equal(['reusing', 'plain', 'rxnet', 'plainBuffered']);
    });
  });

  describe('scenarioResult with a minority of load-bound runs', () => {
    it('takes the medians over the other runs, counts and names the load-bound ones, and quotes the ratio', () => {
      const result = scenarioResult(scenario('tcp-c64-w32'), 0, {
        rxnet: [sample(900_000, 99, 40), sample(950_000, 99, 40), sample(920_000, 99, 40)],
        plain: [sample(1_000_000, 99, 45), sample(300_000, 60, 99), sample(1_000_000, 99, 45)],
      });
      expect(result.loadBound).to.equal(false);
      expect(result.median.plain).to.include({ loadBound: false, loadBoundRuns: 1, rps: 1_000_000 });
      expect(result.median.plain?.loadBoundReasons).to.deep.equal(['generator saturated']);
      // Runs 1 and 3 pair up (900k / 1M and 920k / 1M); run 2 is left out for both servers.
      expect(result.ratios.rxnet?.rps).to.equal(0.91);
    });

    it('is load-bound once half the runs or more are', () => {
      const result = scenarioResult(scenario('tcp-c64-w32'), 0, {
        rxnet: [sample(900_000, 99, 40), sample(950_000, 99, 40)],
        plain: [sample(1_000_000, 99, 45), sample(300_000, 60, 99)],
      });
      expect([result.loadBound, result.ratios.rxnet]).to.deep.equal([true, null]);
    });
  });

  describe('the UDP p99 target', () => {
    const udp = (p99: number, bufferedP99: number, lost = 0) =>
      scenarioResult(scenario('udp-s16-w32'), 0, {
        rxnet: [{ ...sample(100_000, 99, 40), latency: { ...sample(100_000, 99, 40).latency, p99 } }],
        plain: [{ ...sample(100_000, 70, 40), lost }],
        plainBuffered: [{ ...sample(100_000, 99, 40), latency: { ...sample(100_000, 99, 40).latency, p99: bufferedP99 } }],
      });
    const p99Target = (result: ReturnType<typeof udp>) => checkTargets([result], undefined).find((t) => t.name.startsWith('UDP p99'));

    it('is judged against plain Node with the same receive buffer, not the default one', () => {
      expect(p99Target(udp(5000, 4500, 12_000))).to.deep.equal({ name: 'UDP p99 at 16x32, same buffer', goal: '<= 1.30x', measured: '1.11x', met: true });
      expect(p99Target(udp(7000, 4500))).to.include({ measured: '1.56x', met: false });
    });
  });

  describe('shared-core rounds', () => {
    /** A round: both servers at once, each with its share of the core, at these rates and p50s. */
    const round = (rxnet: number, plain: number, rxnetCpu = 50, plainCpu = 49, p50: readonly [number, number] = [1000, 1000]) => {
      const a = { ...sample(rxnet, rxnetCpu, 40), loadBound: 'server core shared' as const, latency: { ...sample(rxnet, 50, 40).latency, p50: p50[0] } };
      const b = { ...sample(plain, plainCpu, 40), loadBound: 'server core shared' as const, latency: { ...sample(plain, 50, 40).latency, p50: p50[1] } };
      return { rxnet: a, plain: b, coreBusy: isCoreBusy(a, b) };
    };
    const withShared = (rounds: ReturnType<typeof round>[]) => {
      // Back to back, the machine's swings made it look like 0.60x.
      const result = scenarioResult(scenario('tcp-c64-w32'), 0, { rxnet: [sample(600_000, 99, 40)], plain: [sample(1_000_000, 99, 45)] });
      return { ...result, sharedCore: sharedCoreResult(rounds, 'plain') };
    };

    it('calls a round busy when the two servers together used 90% of their core', () => {
      expect(round(400_000, 440_000, 50, 45).coreBusy).to.equal(true);
      expect(round(400_000, 440_000, 40, 40).coreBusy).to.equal(false);
    });

    it('takes the median of the rounds\' ratios, with their range, throughput over the busy rounds only', () => {
      const shared = sharedCoreResult([round(460_000, 500_000), round(300_000, 330_000), round(470_000, 500_000), round(100_000, 400_000, 20, 20)], 'plain');
      // 0.92, 0.909, 0.94; the idle round (0.25) is left out of throughput.
      expect(shared.rps).to.deep.equal({ median: 0.92, min: 0.909, max: 0.94 });
      expect(shared.rounds).to.have.length(4);
    });

    it('quotes no throughput ratio unless more than half the rounds were busy, but still the latency', () => {
      const shared = sharedCoreResult([round(460_000, 500_000), round(100_000, 400_000, 20, 20), round(100_000, 400_000, 30, 30, [1050, 1000])], 'plain');
      expect(shared.rps).to.equal(null);
      expect(shared.p50).to.deep.equal({ median: 1, min: 1, max: 1.05 });
    });

    it('judges throughput on the shared-core ratio, showing the back-to-back one beside it', () => {
      const targets = checkTargets([withShared([round(460_000, 500_000), round(450_000, 500_000), round(470_000, 500_000)])], undefined);
      expect(targets[0]).to.deep.equal({ name: 'TCP 64x32 throughput', goal: '>= 0.90x', measured: '0.92x shared core (3 rounds, 0.90-0.94); back to back 0.60x', met: true });
      const below = checkTargets([withShared([round(440_000, 500_000), round(430_000, 500_000), round(470_000, 500_000)])], undefined);
      expect(below[0]).to.include({ met: false });
      expect(below[0]?.measured).to.match(/^0\.88x shared core/);
    });

    it('says load-bound, never met, when the shared rounds kept no core busy', () => {
      const targets = checkTargets([withShared([round(100_000, 400_000, 20, 20)])], undefined);
      expect(targets[0]).to.deep.equal({ name: 'TCP 64x32 throughput', goal: '>= 0.90x', measured: 'load-bound (shared core); back to back 0.60x', met: false });
    });

    it('judges TCP 1x1 p50 on the shared rounds, and keeps p99 with the back-to-back runs', () => {
      const oneByOne = scenarioResult(scenario('tcp-c1-w1'), 0, { rxnet: [{ ...sample(10_000, 40, 30), latency: { ...sample(1, 1, 1).latency, p50: 1200 } }], plain: [sample(11_000, 40, 30)] });
      const shared = sharedCoreResult([round(10_000, 10_500, 45, 45, [1040, 1000]), round(10_000, 10_500, 45, 45, [1060, 1000])], 'plain');
      const targets = checkTargets([{ ...oneByOne, sharedCore: shared }, withShared([round(460_000, 500_000)])], undefined);
      expect(targets.find((t) => t.name.startsWith('TCP 1x1'))).to.include({ measured: '1.05x shared core (2 rounds, 1.04-1.06); back to back 1.20x', met: true });
      expect(targets.find((t) => t.name === 'TCP p99 at 64x32')).to.include({ measured: '1.00x' });
    });

    it('shares the UDP core with plain Node given rxnet\'s buffer, and names it where it is not plain', () => {
      expect(scenario('udp-s16-w32').sharedCore).to.equal('plainBuffered');
      expect(scenario('tcp-c64-w32').sharedCore).to.equal('plain');
      const udp = scenarioResult(scenario('udp-s16-w32'), 0, { rxnet: [sample(60_000, 99, 40)], plain: [sample(61_000, 70, 40)], plainBuffered: [sample(60_000, 99, 40)] });
      const shared = sharedCoreResult([round(30_000, 31_000), round(30_000, 30_000)], 'plainBuffered');
      const target = checkTargets([{ ...udp, sharedCore: shared }], undefined).find((t) => t.name === 'UDP 16x32 throughput');
      expect(target).to.include({ measured: '0.98x shared core with plain, 4 MiB buf (2 rounds, 0.97-1.00); back to back 0.98x', met: true });
      expect(formatTable(reportOf({ ...udp, sharedCore: shared }, { kind: 'native' }, 2))).to.match(/rxnet\/plain, 4 MiB buf +0\.98x .*shared core: median of 2 rounds/);
    });

    it('falls back to the back-to-back ratio when there are no rounds (--shared-rounds 0)', () => {
      const targets = checkTargets([withShared([])], undefined);
      expect(targets[0]).to.include({ measured: '0.60x', met: false });
    });

    it('shows the shared-core row in the table', () => {
      const result = withShared([round(460_000, 500_000), round(450_000, 500_000), round(470_000, 500_000)]);
      expect(formatTable(reportOf(result, { kind: 'native' }, 3))).to.match(/rxnet\/plain +0\.92x +1\.00x +1\.00x .*shared core: median of 3 rounds, both at once on one core, fresh servers each; throughput 0\.90x-0\.94x/);
    });
  });

  describe('loadCommand', () => {
    const target = { host: '127.0.0.1', port: 9000, serverPids: [12, 13] };

    it('runs the native generator with the mix file, the server pids and both bounds', () => {
      const command = loadCommand({ kind: 'native', binary: '/b/calcload', mixFile: '/b/mix.txt' }, scenario('udp-s16-w32'), target, 0, 2);
      expect(command.slice(0, 3)).to.deep.equal(['/b/calcload', '--mix', '/b/mix.txt']);
      const flag = (name: string): string | undefined => command[command.indexOf(name) + 1];
      expect([flag('--connections'), flag('--window'), flag('--seconds'), flag('--requests'), flag('--server-pids')]).to.deep.equal(['16', '32', '2', '20000000', '12,13']);
    });

    it('gives the Node generator, one request per UDP socket, as many sockets as requests in flight', () => {
      const command = loadCommand({ kind: 'node' }, scenario('udp-s16-w32'), target, 0, 2);
      expect(command[1]).to.match(/dist\/bench\/loadGenerator\.js$/);
      expect(command[command.indexOf('--window') + 1]).to.equal('512');
    });
  });

  describe('formatTable', () => {
    it('says which generator measured and why, and shows "load-bound" where no ratio is quoted', () => {
      const result = scenarioResult(scenario('tcp-c64-w32'), 0, {
        rxnet: [sample(400_000, 99, 30)],
        reusing: [sample(800_000, 98, 40)],
        plain: [sample(900_000, 60, 99)],
      });
      const table = formatTable(reportOf(result, { kind: 'node', fallbackReason: 'no C compiler' }));
      expect(table).to.include('load generator: Node (bench/loadGenerator.ts), because no C compiler');
      expect(table).to.match(/plain node +900,000 .* LOAD-BOUND: generator saturated \(1\/1 runs\)/);
      expect(table).to.match(/rxnet\/plain +load-bound .*no ratio quoted/);
      expect(table).to.match(/TCP 64x32 throughput +>= 0\.90x +load-bound +NO/);
    });
  });
});
