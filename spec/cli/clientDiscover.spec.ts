import { expect } from 'chai';
import { runInNetworkNamespace } from '../discovery/runInNetworkNamespace.js';
import type { DiscoverReport } from '../client/fixtures/discoverAndPick.js';
import { requireSystemTool } from '../helpers/requireSystemTool.js';

const FIXTURE = 'dist/spec/client/fixtures/discoverAndPick.js';
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('node cli/client.js --discover, against node cli/server.js --announce in a network namespace', function () {
  this.timeout(12000);
  let report: DiscoverReport;

  before(async function () {
    // About 5 s on an idle machine (three servers and five clients start at once); the limit is a
    // hang guard, and under two busy loops 11 s was once not enough.
    this.timeout(32000);
    const { stdout } = await runInNetworkNamespace(FIXTURE, [], { timeoutMs: 30000 });
    report = JSON.parse(stdout) as DiscoverReport;
  });

  it('with --first lists the first server to answer on stderr, takes it, and prints only the answers on stdout', () => {
    const { tcp, udp } = report.locations;
    const { code, stdout, stderr } = report.first;
    expect({ code, stdout }).to.deep.equal({ code: 0, stdout: '200,2\n' });
    expect(stderr).to.match(new RegExp(`^\\[1\\] (${escape(tcp)}|${escape(udp)})\\nrxnet client: using \\1\\n$`));
  });

  it('without a terminal and with two servers answering, lists both and exits 2 with one usage line', () => {
    const { tcp, udp } = report.locations;
    const { code, stdout, stderr } = report.ambiguous;
    expect({ code, stdout }).to.deep.equal({ code: 2, stdout: '' });
    const lines = stderr.split('\n');
    expect(lines.slice(0, 2).map((line) => line.replace(/^\[\d\] /, '')).sort()).to.deep.equal([tcp, udp].sort());
    expect(lines.slice(2)).to.deep.equal(['rxnet client: 2 servers answered; pick one with --first, or run in a terminal to choose', '']);
  });

  it('without a terminal, takes the one server that answered and sends it the requests from stdin', () => {
    expect(report.single).to.deep.equal({
      code: 0,
      stdout: '200,4\n200,9\n',
      stderr: `[1] ${report.locations.lone}\nrxnet client: using ${report.locations.lone}\n`,
    });
  });

  it('exits 1 with one line when no server answers', () => {
    expect(report.none).to.deep.equal({ code: 1, stdout: '', stderr: 'rxnet client: no server answered within 2 s\n' });
  });

  it('in a terminal, asks which server to use until the answer is one of the list, and uses it (the UDP one here)', () => {
    // The fixture runs the terminal case only where `script` (bsdutils) exists: without it, fail.
    if (report.terminal === null) requireSystemTool('script', 'bsdutils');
    if (report.terminal === null) throw new Error('the fixture ran no terminal session');
    const { code, output, picked } = report.terminal;
    const plain = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
    expect(picked).to.be.oneOf([1, 2]);
    expect(plain).to.include(`[${picked}] ${report.locations.udp}\n`);
    expect(plain).to.include('Pick a server (1-2): x\nrxnet client: "x" is not one of 1-2\nPick a server (1-2): ');
    expect(plain).to.match(new RegExp(`rxnet client: using ${escape(report.locations.udp)}\\n200,42\\n$`));
    expect(code).to.equal(0);
  });

  it('leaves the servers to exit 0 on SIGTERM', () => {
    expect(report.serverExits).to.deep.equal([0, 0, 0]);
  });
});
