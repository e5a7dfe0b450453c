import { expect } from 'chai';
import { startServer } from '../../lib/calc/server/startServer.js';
import { parseProxyArgs } from '../../cli/src/proxyCommand.js';
import { runCli, startCli, type StartedCli } from '../helpers/childProcess.js';
import { exchange } from '../helpers/rawTcp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';
import { waitUntil } from '../helpers/waitUntil.js';
import { api } from '../proxy/fixtures/apiClient.js';

const RXNET = 'cli/rxnet.js';

/** The wiretap entries of a stderr, the time of each dropped and the client's ephemeral port written CLIENT. */
function entries(stderr: string, clientPort: number): string[] {
  return stderr
    .split(/^(?=\d{4}-\d\d-\d\dT\S+Z (?:in|out) )/m)
    .filter((entry) => entry !== '')
    .map((entry) => entry.replace(/^\S+ /, '').replace(/\n$/, '').replace(`127.0.0.1:${clientPort} `, 'CLIENT '));
}

/** Creates proxy `name` of `protocol` to `upstream` on a started CLI proxy; resolves with its listening port. */
async function createProxy(proxy: StartedCli, protocol: 'tcp' | 'udp', upstream: number): Promise<number> {
  const created = await api(proxy.port)('POST', '/proxies', { name: protocol, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}`, protocol });
  return Number(/:(\d+)$/.exec((created.json as { listen: string }).listen)?.[1]);
}

describe('node cli/rxnet.js proxy --wiretap (issue 15)', function () {
  this.timeout(15000);

  it('logs both sides of a proxied TCP request and its reply, in text: in from the client, out to the upstream, and back', async () => {
    await using server = await startServer({ transport: 'tcp', port: 0 });
    const upstream = server.address.port;
    const proxy = await startCli(RXNET, ['proxy', '--port', '0', '--wiretap', 'text']);
    try {
      const port = await createProxy(proxy, 'tcp', upstream);
      expect(await exchange(port, '+,1,1\n', 1)).to.deep.equal(['200,2']);
      await waitUntil(() => (proxy.stderr().match(/ B\n/g) ?? []).length >= 4);
      const clientPort = Number(/in 127\.0\.0\.1:(\d+) /.exec(proxy.stderr())?.[1]);
      expect(entries(proxy.stderr(), clientPort)).to.deep.equal([
        'in CLIENT 6 B\n+,1,1\\n',
        `out 127.0.0.1:${upstream} 6 B\n+,1,1\\n`,
        `in 127.0.0.1:${upstream} 6 B\n200,2\\n`,
        'out CLIENT 6 B\n200,2\\n',
      ]);
    } finally {
      proxy.kill();
    }
  });

  it('logs both sides of a proxied UDP datagram and its reply in hexdump -C form', async () => {
    await using server = await startServer({ transport: 'udp', port: 0 });
    const upstream = server.address.port;
    const proxy = await startCli(RXNET, ['proxy', '--port', '0', '--wiretap', 'hex']);
    const probe = await openUdpProbe();
    try {
      const port = await createProxy(proxy, 'udp', upstream);
      probe.send('+,2,2', port);
      expect(await probe.waitFor(1, 3000)).to.deep.equal(['200,4\n']);
      await waitUntil(() => (proxy.stderr().match(/ B\n/g) ?? []).length >= 4);
      const request = '00000000  2b 2c 32 2c 32                                    |+,2,2|\n00000005';
      const reply = '00000000  32 30 30 2c 34 0a                                 |200,4.|\n00000006';
      expect(entries(proxy.stderr(), probe.socket.address().port)).to.deep.equal([
        `in CLIENT 5 B\n${request}`,
        `out 127.0.0.1:${upstream} 5 B\n${request}`,
        `in 127.0.0.1:${upstream} 6 B\n${reply}`,
        `out CLIENT 6 B\n${reply}`,
      ]);
    } finally {
      await probe.close();
      proxy.kill();
    }
  });

  it('is off by default; documents --wiretap in the usage; another value exits 2 with one line', async () => {
    expect(parseProxyArgs([])).to.include({ wiretap: undefined });
    expect(parseProxyArgs(['--wiretap', 'hex'])).to.include({ wiretap: 'hex' });
    const usage = await runCli(RXNET, ['proxy', '--help']);
    expect(usage.stdout).to.include('[--wiretap text|hex]');
    expect(usage.stdout).to.include('  --wiretap text|hex  log the bytes of both sides of every proxied connection or datagram on');
    const bad = await runCli(RXNET, ['proxy', '--wiretap', 'binary']);
    expect({ code: bad.code, stdout: bad.stdout, stderr: bad.stderr }).to.deep.equal({
      code: 2,
      stdout: '',
      stderr: 'rxnet proxy: Invalid --wiretap "binary" (expected text or hex)\n',
    });
  });
});
