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

  it('names a bad --runs in one line', () => {
    expect(() => parseBenchArgs(['--runs', '0'])).to.throw('Invalid --runs "0" (expected a number 1-25)');
  });
});
