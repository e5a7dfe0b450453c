import { expect } from 'chai';
import { parseBenchArgs } from '../../bench/run/benchArgs.js';

describe('bench: parseBenchArgs', () => {
  it('defaults to 11 runs x 2 s with a 1 s warm-up (the per-pair noise of docs/performance.md needs that many)', () => {
    const flags = parseBenchArgs([]);
    expect([flags?.runs, flags?.seconds, flags?.warmupSeconds]).to.deep.equal([11, 2, 1]);
  });

  it('keeps --quick at 1 run, and --runs still decides', () => {
    expect(parseBenchArgs(['--quick'])?.runs).to.equal(1);
    expect(parseBenchArgs(['--runs', '5'])?.runs).to.equal(5);
  });

  it('measures each run after the first on fresh server processes, unless --same-servers or --profile', () => {
    expect(parseBenchArgs([])?.freshServers).to.equal(true);
    expect(parseBenchArgs(['--same-servers'])?.freshServers).to.equal(false);
    expect(parseBenchArgs(['--profile', '/tmp/rxnet-bench-profile'])?.freshServers).to.equal(false);
  });

  it('runs 11 shared-core rounds (1 with --quick), none where two servers cannot share one pinned core', () => {
    expect([parseBenchArgs([])?.sharedRounds, parseBenchArgs(['--quick'])?.sharedRounds, parseBenchArgs(['--shared-rounds', '0'])?.sharedRounds]).to.deep.equal([11, 1, 0]);
    expect(parseBenchArgs(['--shared-rounds', '5'])?.sharedRounds).to.equal(5);
    expect(parseBenchArgs(['--workers', '2'])?.sharedRounds).to.equal(0);
    expect(parseBenchArgs(['--no-pin'])?.sharedRounds).to.equal(0);
    expect(parseBenchArgs(['--profile', '/tmp/rxnet-bench-profile'])?.sharedRounds).to.equal(0);
    expect(() => parseBenchArgs(['--shared-rounds', '26'])).to.throw('Invalid --shared-rounds "26" (expected a number 0-25)');
  });

  it('names a bad --runs in one line', () => {
    expect(() => parseBenchArgs(['--runs', '0'])).to.throw('Invalid --runs "0" (expected a number 1-25)');
  });
});
