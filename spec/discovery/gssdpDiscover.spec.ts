import { expect } from 'chai';
import { requireSystemTool } from '../helpers/requireSystemTool.js';
import { runInNetworkNamespace } from './runInNetworkNamespace.js';

describe('a standard SSDP tool (gssdp-discover, Debian gupnp-tools) sees an rxnet announcer', function () {
  this.timeout(12000);

  // .ci/run installs gupnp-tools; on a machine without it this check fails, naming the package.
  it('lists it for urn:rxnet:service:calc:1 with its location, inside a network namespace', async () => {
    requireSystemTool('gssdp-discover', 'gupnp-tools');
    const { stdout } = await runInNetworkNamespace('dist/spec/discovery/fixtures/gssdpCheck.js', [], { timeoutMs: 10000 });
    expect(stdout).to.include('resource available');
    expect(stdout).to.match(/USN:\s+uuid:[0-9a-f-]+::urn:rxnet:service:calc:1/);
    expect(stdout).to.match(/Location:\s+tcp:\/\/127\.0\.0\.1:9000/);
  });
});
