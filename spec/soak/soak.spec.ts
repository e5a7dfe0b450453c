import { expect } from 'chai';
import { runSoak, type SoakCounts, type SoakReport } from '../../bench/soak.js';

const total = (c: SoakCounts): number => c.answered + c.lost + c.mismatched;

describe('soak (npm run soak), 5 seconds: TCP and UDP servers with --success 0.9, reconnecting clients', function () {
  this.timeout(20000);
  let report: SoakReport;
  const lines: string[] = [];

  before(async () => {
    report = await runSoak({ durationMs: 5000, intervalMs: 1000, log: (line) => lines.push(line) });
  });

  it('never gives a client a reply that is not the answer to its request', () => {
    expect(report.mismatches).to.deep.equal([]);
    expect(report.tcp.mismatched).to.equal(0);
    expect(report.udp.mismatched).to.equal(0);
  });

  it('answers almost every request despite the drops and the broken connections', () => {
    expect(report.tcp.answered, 'tcp answered').to.be.greaterThan(300);
    expect(report.udp.answered, 'udp answered').to.be.greaterThan(1000);
    // UDP: 4 attempts each lost with p = 0.1; TCP: a cut connection costs each request in flight an attempt.
    expect(report.udp.lost / total(report.udp), 'udp lost fraction').to.be.lessThan(0.01);
    expect(report.tcp.lost / total(report.tcp), 'tcp lost fraction').to.be.lessThan(0.05);
  });

  it('keeps both servers\' memory bounded: RSS grows less than 64 MiB', () => {
    expect(report.rssKiB.tcp.length).to.be.at.least(5);
    expect(report.rssGrowthMiB).to.be.lessThan(64);
  });

  it('prints a line per interval with the counts and both servers\' RSS', () => {
    expect(lines.length).to.be.at.least(5);
    expect(lines.at(-1)).to.match(/^\s*\d+ s {2}tcp answered \d+ lost \d+ mismatched 0 {2}rss [\d.]+ MiB {2}\| {2}udp answered \d+ lost \d+ mismatched 0 {2}rss [\d.]+ MiB$/);
  });
});
