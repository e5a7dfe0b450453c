import { expect } from 'chai';
import { Toxiproxy, type ICreateProxyBody } from 'toxiproxy-node-client';
import { startProxyServer, type RunningProxyServer } from '../../lib/proxy/startProxyServer.js';
import { startEchoServer, talk, type EchoServer } from './fixtures/tcpPeers.js';

/**
 * toxiproxy-node-client (npm, unmodified) against rxnet proxy: the client's own test suite
 * (src/tests/*.spec.ts), ported from jest to mocha, with the API on a free port instead of 8474.
 */
describe('issue 14: toxiproxy-node-client drives rxnet proxy unchanged', () => {
  let server: RunningProxyServer;
  let toxiproxy: Toxiproxy;
  const body = (name: string): ICreateProxyBody => ({ listen: 'localhost:0', name, upstream: 'localhost:6379' });

  beforeEach(async () => {
    server = await startProxyServer({ port: 0 });
    toxiproxy = new Toxiproxy(`http://127.0.0.1:${server.address.port}`);
  });

  afterEach(() => server.close());

  it('creates, gets and removes a proxy', async () => {
    const created = await toxiproxy.createProxy(body('get-test'));
    const fetched = await toxiproxy.get(created.name);
    expect(fetched.name).to.equal('get-test');
    expect(fetched.listen).to.equal(created.listen);
    await created.remove();
    expect(Object.keys(await toxiproxy.getAll())).to.deep.equal([]);
  });

  it('gets the version and resets', async () => {
    expect(JSON.parse(await toxiproxy.getVersion())).to.have.property('version');
    await toxiproxy.reset();
  });

  it('populates and gets all proxies', async () => {
    const proxies = await toxiproxy.populate([
      { listen: '127.0.0.1:0', name: 'get-all-test1', upstream: 'localhost:6379' },
      { listen: '127.0.0.1:0', name: 'get-all-test2', upstream: 'localhost:12345' },
    ]);
    expect(Object.keys(proxies)).to.deep.equal(['get-all-test1', 'get-all-test2']);
    const all = await toxiproxy.getAll();
    expect(Object.keys(all).length).to.equal(2);
    expect(all['get-all-test2']?.upstream).to.equal('localhost:12345');
    expect(all['get-all-test1']?.listen).to.match(/^127\.0\.0\.1:\d+$/);
  });

  it('updates a proxy: disables it, then moves its upstream to a host that does not resolve', async () => {
    const proxy = await toxiproxy.createProxy(body('update-proxy-test'));
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.enabled).to.equal(false);
    const moved = await proxy.update({ enabled: true, listen: proxy.listen, upstream: 'somehost:12345' });
    expect(moved.enabled).to.equal(true);
    expect(moved.upstream).to.equal('somehost:12345');
  });

  it('fails with status 409 on a duplicate proxy and on a duplicate toxic', async () => {
    const proxy = await toxiproxy.createProxy(body('duplicate'));
    const again = await toxiproxy.createProxy(body('duplicate')).then(() => 'created', (err: Error) => err.message);
    expect(again).to.equal('Request failed with status code 409');
    await proxy.addToxic({ type: 'latency', attributes: { latency: 1000, jitter: 100 } } as never);
    const twice = await proxy.addToxic({ type: 'latency', attributes: { latency: 1000, jitter: 100 } } as never).then(() => 'added', (err: Error) => err.message);
    expect(twice).to.equal('Request failed with status code 409');
  });

  it('CRUD for toxics', async () => {
    const proxy = await toxiproxy.createProxy(body('remove-toxic-test'));
    const toxic = await proxy.addToxic<{ latency: number; jitter: number }>({ type: 'latency', attributes: { latency: 1000, jitter: 100 } } as never);
    expect(toxic.name).to.equal('latency_downstream');
    expect(toxic.toxicity).to.equal(1);
    expect(toxic.attributes).to.deep.equal({ latency: 1000, jitter: 100 });
    const fromServer = await proxy.getToxic<{ latency: number }>(toxic.name);
    expect([fromServer.name, fromServer.type, fromServer.stream, fromServer.toxicity]).to.deep.equal([toxic.name, 'latency', 'downstream', 1]);
    const updated = await toxic.update({ attributes: { latency: 12345, jitter: 42 } } as never);
    expect(updated.attributes).to.deep.equal({ latency: 12345, jitter: 42 });
    await toxic.remove();
    const gone = await proxy.getToxic('latency_downstream').then(() => 'found', (err: Error) => err.message);
    expect(gone).to.equal('Request failed with status code 404');
  });

  it('adds every toxic type the client knows, echoing its attributes', async () => {
    const proxy = await toxiproxy.createProxy(body('types'));
    const cases: [string, Record<string, number>][] = [
      ['latency', { latency: 1000, jitter: 100 }],
      ['bandwidth', { rate: 1000 }],
      ['slow_close', { delay: 1000 }],
      ['timeout', { timeout: 5000 }],
      ['slicer', { average_size: 1000, delay: 1000, size_variation: 1000 }],
      ['reset_peer', { timeout: 1000 }],
      ['limit_data', { bytes: 1000 }],
    ];
    for (const [type, attributes] of cases) {
      const toxic = await proxy.addToxic<Record<string, number>>({ type, attributes } as never);
      expect(toxic.attributes, type).to.deep.include(attributes);
    }
  });

  describe('with real traffic', () => {
    let echo: EchoServer;
    beforeEach(async () => (echo = await startEchoServer()));
    afterEach(() => echo.close());

    it('a proxy made by the client forwards bytes, and a limit_data toxic cuts them', async () => {
      const proxy = await toxiproxy.createProxy({ listen: 'localhost:0', name: 'echo', upstream: `localhost:${echo.port}` });
      const port = Number(proxy.listen.split(':').pop());
      expect((await talk(port, 'hello', 3000, true)).received.toString()).to.equal('hello');
      await proxy.addToxic({ type: 'limit_data', attributes: { bytes: 2 } } as never);
      expect((await talk(port, 'hello')).received.toString()).to.equal('he');
    });
  });
});
