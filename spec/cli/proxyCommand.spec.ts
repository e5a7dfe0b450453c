import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli } from '../helpers/childProcess.js';
import { api } from '../proxy/fixtures/apiClient.js';

const RXNET = 'cli/rxnet.js';

describe('node cli/rxnet.js proxy', function () {
  this.timeout(15000);
  let work: string;

  beforeEach(() => (work = mkdtempSync(join(tmpdir(), 'rxnet-proxy-'))));
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('prints one ready line with the API address, serves the API, and exits 0 on SIGTERM', async () => {
    const proxy = await startCli(RXNET, ['proxy', '--port', '0']);
    try {
      expect(proxy.readyLine).to.match(/^listening http 127\.0\.0\.1:\d+$/);
      const list = await api(proxy.port)('GET', '/proxies');
      expect(list).to.include({ status: 200, text: '{}' });
      expect((await api(proxy.port)('GET', '/version')).json).to.deep.equal({ version: '0.1.0' });
      proxy.child.kill('SIGTERM');
      expect(await proxy.exited).to.deep.equal({ code: 0, signal: null });
      expect(proxy.stderr()).to.equal('');
    } finally {
      proxy.kill();
    }
  });

  it('stops cleanly on SIGINT too, with its proxies open', async () => {
    const proxy = await startCli(RXNET, ['proxy', '--port', '0']);
    try {
      await api(proxy.port)('POST', '/proxies', { name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
      proxy.child.kill('SIGINT');
      expect(await proxy.exited).to.deep.equal({ code: 0, signal: null });
    } finally {
      proxy.kill();
    }
  });

  it('creates the proxies of --config at start (toxiproxy\'s config format)', async () => {
    const config = join(work, 'toxiproxy.json');
    writeFileSync(config, JSON.stringify([{ name: 'web_dev_frontend_1', listen: '127.0.0.1:0', upstream: 'webapp.invalid:8080', enabled: true }, { name: 'off', upstream: '127.0.0.1:9', enabled: false }]));
    const proxy = await startCli(RXNET, ['proxy', '--port', '0', '--config', config]);
    try {
      const list = (await api(proxy.port)('GET', '/proxies')).json as Record<string, { enabled: boolean; upstream: string }>;
      expect(Object.keys(list)).to.deep.equal(['web_dev_frontend_1', 'off']);
      expect(list.web_dev_frontend_1).to.include({ enabled: true, upstream: 'webapp.invalid:8080' });
      expect(list.off).to.include({ enabled: false });
    } finally {
      proxy.kill();
    }
  });

  it('exits 2 with one line on a usage mistake', async () => {
    const cases: [string[], string][] = [
      [['--port', 'abc'], 'rxnet proxy: Invalid --port "abc" (expected an integer 0-65535)\n'],
      [['--bogus'], 'rxnet proxy: Unknown flag --bogus (see --help)\n'],
      [['extra'], 'rxnet proxy: Unexpected argument "extra" (see --help)\n'],
      [['--config', join(work, 'missing.json')], `rxnet proxy: Cannot read --config "${join(work, 'missing.json')}" (ENOENT)\n`],
    ];
    for (const [args, stderr] of cases) {
      expect(await runCli(RXNET, ['proxy', ...args]), args.join(' ')).to.include({ code: 2, stdout: '', stderr });
    }
  });

  it('exits 2 on a config that is not JSON or not proxies, naming the problem', async () => {
    const notJson = join(work, 'bad.json');
    writeFileSync(notJson, '[{');
    const bad = await runCli(RXNET, ['proxy', '--port', '0', '--config', notJson]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/^rxnet proxy: Invalid --config ".*bad\.json" \(not JSON: /);
    const noName = join(work, 'noname.json');
    writeFileSync(noName, JSON.stringify([{ upstream: '127.0.0.1:9' }]));
    const missing = await runCli(RXNET, ['proxy', '--port', '0', '--config', noName]);
    expect(missing).to.include({ code: 2, stderr: 'rxnet proxy: Invalid proxy config: missing required field: name at proxy 1\n' });
  });

  it('refuses to bind the API beyond loopback without --allow-remote (exit 2)', async () => {
    const refused = await runCli(RXNET, ['proxy', '--host', '0.0.0.0', '--port', '0']);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.match(/^rxnet proxy: Refusing to bind the proxy API on 0\.0\.0\.0 .*--allow-remote on the command line\)\n$/);
  });

  it('is listed by help, and help proxy prints its usage', async () => {
    const list = await runCli(RXNET, ['help']);
    expect(list.stdout).to.match(/^ {2}proxy {6}serve toxiproxy's API/m);
    const usage = await runCli(RXNET, ['help', 'proxy']);
    expect(usage).to.include({ code: 0, stderr: '' });
    expect(usage.stdout).to.match(/^Usage: node cli\/rxnet\.js proxy \[--host H\] \[--port P\] \[--config FILE\]/);
    expect((await runCli(RXNET, ['proxy', '--version'])).stdout).to.equal('0.1.0\n');
  });
});
