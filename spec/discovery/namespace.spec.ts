import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { RXNET_SERVICE_TYPE } from '../../lib/index.js';
import type { FoundReport, NoRouteReport, ScenarioReport } from './fixtures/ssdpScenarios.js';
import { runInNetworkNamespace } from './runInNetworkNamespace.js';

const SCENARIOS = fileURLToPath(new URL('./fixtures/ssdpScenarios.js', import.meta.url));
const USN = /^uuid:[0-9a-f-]{36}::urn:rxnet:service:calc:1$/;
const where = ({ location, transport, host, port, via }: FoundReport) => ({ location, transport, host, port, via });

describe('SSDP discovery (announce, discover, watchSsdp) in a network namespace', function () {
  this.timeout(10000);
  let report: ScenarioReport;

  before(async function () {
    this.timeout(10000);
    const { stdout } = await runInNetworkNamespace(SCENARIOS);
    report = JSON.parse(stdout) as ScenarioReport;
  });

  describe('discover', () => {
    it('finds every announcer on the host once, with its location, although they share port 1900', () => {
      const { found, usns } = report.search;
      expect(found.map(where)).to.have.deep.members([
        { location: 'tcp://127.0.0.1:9000', transport: 'tcp', host: '127.0.0.1', port: 9000, via: 'search' },
        { location: 'udp://127.0.0.1:9001', transport: 'udp', host: '127.0.0.1', port: 9001, via: 'search' },
      ]);
      expect(found.map((f) => f.usn)).to.have.members(usns);
      for (const usn of usns) expect(usn).to.match(USN);
      for (const f of found) {
        expect(f.st).to.equal(RXNET_SERVICE_TYPE);
        expect(f.server).to.match(/ UPnP\/1\.1 rxnet\/0\.1$/);
      }
    });

    it('completes when its window ends', () => {
      expect(report.search.completedAfterMs).to.be.within(report.search.windowMs - 5, report.search.windowMs + 500);
    });

    it('asks for ssdp:all and keeps the answers for its service type', () => {
      expect(report.all.found.map(where)).to.deep.equal([
        { location: 'tcp://127.0.0.1:9100', transport: 'tcp', host: '127.0.0.1', port: 9100, via: 'search' },
      ]);
      expect(report.all.found[0]?.usn).to.equal(report.all.usn);
      expect(report.all.found[0]?.st).to.equal(RXNET_SERVICE_TYPE);
    });

    it('also collects ssdp:alive advertisements with includeNotify', () => {
      expect(report.notify.found.map(where)).to.deep.equal([
        { location: 'tcp://127.0.0.1:9500', transport: 'tcp', host: '127.0.0.1', port: 9500, via: 'notify' },
      ]);
    });
  });

  describe('announce', () => {
    it('answers each copy of a search after the delay it drew within MX', () => {
      const [slowUsn, fastUsn] = report.search.usns;
      expect(report.search.answers).to.have.deep.members([
        { usn: slowUsn, delayMs: 900 },
        { usn: slowUsn, delayMs: 900 },
        { usn: fastUsn, delayMs: 100 },
        { usn: fastUsn, delayMs: 100 },
      ]);
    });

    it('sends no answer before its delay (random 0.9 of MX 1 s: 900 ms; random 0.1: 100 ms)', () => {
      const elapsed = (location: string) => report.search.found.find((f) => f.location === location)?.elapsedMs ?? NaN;
      expect(elapsed('tcp://127.0.0.1:9000')).to.be.within(900, report.search.windowMs);
      expect(elapsed('udp://127.0.0.1:9001')).to.be.within(100, 900);
    });

    it('does not answer a search for another service type', () => {
      expect(report.unrelated.replies).to.deep.equal([]);
      expect(report.unrelated.searches).to.have.length(1);
      expect(report.unrelated.searches[0]).to.include({ type: 'search', st: 'urn:example:service:other:1', mx: 1, answered: false });
    });

    it('reports malformed datagrams as invalid events, keeps going and answers the next valid search', () => {
      const { events, replies, errored } = report.malformed;
      expect(errored).to.equal(false);
      expect(events.flatMap((e) => (e.type === 'invalid' ? [e.reason] : []))).to.deep.equal([
        'not an SSDP start line: "garbage"',
        'not an SSDP start line: "\u0000\ufffd"',
        'ST: missing',
        'MX: expected a whole number of seconds',
        'not an SSDP start line: "m-search * HTTP/1.1"',
      ]);
      const usn = events.find((e) => e.type === 'listening');
      expect(replies).to.have.length(1);
      expect(replies[0]).to.deep.include({
        kind: 'response',
        maxAge: 1800,
        location: 'tcp://127.0.0.1:9300',
        st: RXNET_SERVICE_TYPE,
        usn: usn?.type === 'listening' ? usn.usn : 'no listening event',
      });
      expect(events.at(-1)).to.deep.include({ type: 'answer', st: RXNET_SERVICE_TYPE, delayMs: 0 });
    });

    it('multicasts ssdp:alive twice on start and ssdp:byebye twice before its socket closes', () => {
      const { usn, heard, closed } = report.byebye;
      expect(usn).to.match(USN);
      expect(heard).to.deep.equal([
        { nts: 'ssdp:alive', usn, location: 'udp://127.0.0.1:9400' },
        { nts: 'ssdp:alive', usn, location: 'udp://127.0.0.1:9400' },
        { nts: 'ssdp:byebye', usn },
        { nts: 'ssdp:byebye', usn },
      ]);
      expect(closed).to.equal(true);
    });
  });

  it('leaves no socket or timer open once every subscription has ended', () => {
    expect(report.leftOpen).to.deep.equal([]);
  });
});

describe('SSDP discovery in a network namespace without a multicast route', function () {
  this.timeout(10000);
  let report: NoRouteReport;

  before(async function () {
    this.timeout(10000);
    const { stdout } = await runInNetworkNamespace(SCENARIOS, ['noroute'], { setup: 'ip link set lo up' });
    report = JSON.parse(stdout) as NoRouteReport;
  });

  it('announce errors with an RxnetConnectionError when it cannot join the group', () => {
    expect(report.announce).to.deep.equal({
      name: 'RxnetConnectionError',
      code: 'ERR_RXNET_CONNECTION',
      message: 'Cannot use SSDP group 239.255.255.250:1900: addMembership ENODEV',
      syscallCode: 'ENODEV',
    });
  });

  it('discover errors with an RxnetConnectionError, rather than finding nothing, when its search cannot be sent', () => {
    expect(report.discover).to.deep.equal({
      name: 'RxnetConnectionError',
      code: 'ERR_RXNET_CONNECTION',
      message: 'Cannot send M-SEARCH to 239.255.255.250:1900: send ENETUNREACH 239.255.255.250:1900',
      syscallCode: 'ENETUNREACH',
    });
  });
});

describe('runInNetworkNamespace', () => {
  it('fails with a clear message when no namespace can be made', async () => {
    const error = await runInNetworkNamespace(SCENARIOS, [], { unshare: '/nonexistent/unshare' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(
      /^Cannot create a network namespace: \/nonexistent\/unshare (-r )?-n failed to start \(spawn \/nonexistent\/unshare ENOENT\); the discovery tests need util-linux unshare and root$/,
    );
  });

  it('fails, naming the script, when the script fails inside the namespace', async () => {
    const error = await runInNetworkNamespace('/nonexistent/script.js').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/^\/nonexistent\/script\.js exited with 1 in a network namespace: .*Cannot find module/s);
  });
});
