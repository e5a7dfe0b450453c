import { expect } from 'chai';
import { startProxyServer, type RunningProxyServer } from '../../lib/proxy/startProxyServer.js';
import { api } from './fixtures/apiClient.js';

describe("rxnet proxy's control API (toxiproxy's shapes and status codes)", () => {
  let server: RunningProxyServer;
  let call: ReturnType<typeof api>;
  const upstream = '127.0.0.1:9'; // never dialled: no client connects in these specs

  beforeEach(async () => {
    server = await startProxyServer({ port: 0, version: '1.2.3' });
    call = api(server.address.port);
  });

  afterEach(() => server.close());

  describe('proxies', () => {
    it('creates a proxy with 201 and shows it as toxiproxy does', async () => {
      const created = await call('POST', '/proxies', { name: 'redis', listen: 'localhost:0', upstream });
      expect(created.status).to.equal(201);
      expect(created.contentType).to.equal('application/json');
      const body = created.json as Record<string, unknown>;
      expect(Object.keys(body)).to.deep.equal(['name', 'listen', 'upstream', 'enabled', 'protocol', 'toxics']);
      expect(body).to.include({ name: 'redis', upstream, enabled: true, protocol: 'tcp' });
      expect(body.listen).to.match(/^127\.0\.0\.1:\d+$/);
      expect(body.toxics).to.deep.equal([]);
    });

    it('lists proxies as an object keyed by name, and shows one by name', async () => {
      await call('POST', '/proxies', { name: 'a', listen: '127.0.0.1:0', upstream, enabled: false });
      const list = await call('GET', '/proxies');
      expect(list.status).to.equal(200);
      expect(list.json).to.deep.equal({ a: { name: 'a', listen: '127.0.0.1:0', upstream, enabled: false, protocol: 'tcp', toxics: [] } });
      expect((await call('GET', '/proxies/a')).json).to.include({ name: 'a', enabled: false });
    });

    it('answers 409 to a duplicate name, 404 to an unknown one, 204 to a delete', async () => {
      await call('POST', '/proxies', { name: 'a', upstream });
      const duplicate = await call('POST', '/proxies', { name: 'a', upstream });
      expect(duplicate.status).to.equal(409);
      expect(duplicate.text).to.equal('{"error":"proxy already exists","status":409}\n');
      expect((await call('GET', '/proxies/zz')).json).to.deep.equal({ error: 'proxy not found', status: 404 });
      expect((await call('DELETE', '/proxies/a')).status).to.equal(204);
      expect((await call('DELETE', '/proxies/a')).status).to.equal(404);
    });

    it("answers 400 naming the field, with toxiproxy's messages for missing ones", async () => {
      expect((await call('POST', '/proxies', { upstream })).json).to.deep.equal({ error: 'missing required field: name', status: 400 });
      expect((await call('POST', '/proxies', { name: 'x' })).json).to.deep.equal({ error: 'missing required field: upstream', status: 400 });
      const wrongType = await call('POST', '/proxies', { name: 'x', upstream, enabled: 'yes' });
      expect(wrongType.json).to.deep.equal({ error: 'bad request body: enabled: expected true or false', status: 400 });
      const badListen = await call('POST', '/proxies', { name: 'x', upstream, listen: 'nowhere' });
      expect(badListen.status).to.equal(400);
      expect((badListen.json as { error: string }).error).to.match(/^bad request body: listen: /);
      expect((await call('POST', '/proxies', undefined, '{"name":')).status).to.equal(400);
    });

    it("answers 500 with Go's wording when the listen address is taken", async () => {
      const first = await call('POST', '/proxies', { name: 'a', listen: '127.0.0.1:0', upstream });
      const listen = (first.json as { listen: string }).listen;
      const second = await call('POST', '/proxies', { name: 'b', listen, upstream });
      expect(second.json).to.deep.equal({ error: `listen tcp ${listen}: bind: address already in use`, status: 500 });
    });

    it('populates: creates the new, keeps the unchanged, answers 201 with the proxies', async () => {
      const first = await call('POST', '/populate', [{ name: 'a', listen: '127.0.0.1:0', upstream }]);
      expect(first.status).to.equal(201);
      const listen = (first.json as { proxies: { listen: string }[] }).proxies[0]?.listen;
      const again = await call('POST', '/populate', [{ name: 'a', listen, upstream }, { name: 'b', upstream, enabled: false }]);
      expect(again.status).to.equal(201);
      expect((again.json as { proxies: { name: string; listen: string }[] }).proxies.map((p) => [p.name, p.listen])).to.deep.equal([
        ['a', listen],
        ['b', '127.0.0.1:0'],
      ]);
      const bad = await call('POST', '/populate', [{ name: 'c', upstream }, { upstream }]);
      expect(bad.json).to.deep.equal({ error: 'missing required field: name at proxy 2', status: 400, proxies: [] });
      expect(Object.keys((await call('GET', '/proxies')).json as object)).to.deep.equal(['a', 'b']);
    });
  });

  describe('toxics', () => {
    beforeEach(async () => {
      await call('POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream });
    });

    it("adds a toxic with toxiproxy's defaults and shape (name <type>_<stream>, downstream, toxicity 1)", async () => {
      const added = await call('POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 100 } });
      expect(added.status).to.equal(200);
      expect(added.text).to.equal('{"attributes":{"latency":100,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}');
      expect((await call('GET', '/proxies/p/toxics')).json).to.deep.equal([added.json]);
      expect((await call('GET', '/proxies/p')).json).to.deep.include({ toxics: [added.json] });
    });

    it('takes null fields as not given, as Go decodes them (clients that send "name": null)', async () => {
      const added = await call('POST', '/proxies/p/toxics', { name: null, type: 'latency', stream: null, toxicity: null, attributes: { latency: 5, jitter: null } });
      expect(added.json).to.deep.equal({ attributes: { latency: 5, jitter: 0 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 });
      expect((await call('POST', '/proxies', { name: 'q', listen: null, upstream, enabled: null })).json).to.include({ name: 'q', enabled: true });
    });

    it('lists upstream toxics first, then downstream, each in the order added', async () => {
      await call('POST', '/proxies/p/toxics', { type: 'latency' });
      await call('POST', '/proxies/p/toxics', { type: 'slow_close', stream: 'upstream' });
      await call('POST', '/proxies/p/toxics', { type: 'bandwidth', stream: 'Upstream' });
      const names = ((await call('GET', '/proxies/p/toxics')).json as { name: string }[]).map((t) => t.name);
      expect(names).to.deep.equal(['slow_close_upstream', 'bandwidth_upstream', 'latency_downstream']);
    });

    it('updates attributes and toxicity, keeping the fields not given', async () => {
      await call('POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 100, jitter: 5 } });
      const updated = await call('PATCH', '/proxies/p/toxics/latency_downstream', { attributes: { latency: 7 }, toxicity: 0.5 });
      expect(updated.json).to.deep.equal({ attributes: { latency: 7, jitter: 5 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 0.5 });
      expect((await call('POST', '/proxies/p/toxics/latency_downstream', { toxicity: 1 })).json).to.include({ toxicity: 1 });
    });

    it('answers 409, 404, 204 and 400s as toxiproxy does', async () => {
      await call('POST', '/proxies/p/toxics', { type: 'noop' });
      expect((await call('POST', '/proxies/p/toxics', { type: 'noop' })).json).to.deep.equal({ error: 'toxic already exists', status: 409 });
      expect((await call('GET', '/proxies/p/toxics/nope')).json).to.deep.equal({ error: 'toxic not found', status: 404 });
      expect((await call('GET', '/proxies/nope/toxics')).json).to.deep.equal({ error: 'proxy not found', status: 404 });
      expect((await call('POST', '/proxies/p/toxics', { type: 'latency', stream: 'sideways' })).json).to.deep.equal({
        error: 'stream was invalid, can be either upstream or downstream',
        status: 400,
      });
      const unknown = await call('POST', '/proxies/p/toxics', { type: 'duplicate' });
      expect(unknown.status).to.equal(400);
      expect((unknown.json as { error: string }).error).to.match(/^invalid toxic type: "duplicate" \(a tcp proxy takes noop, latency/);
      const badAttribute = await call('POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: -1 } });
      expect(badAttribute.json).to.deep.equal({ error: 'bad request body: attributes.latency: expected a whole number of milliseconds >= 0', status: 400 });
      expect((await call('POST', '/proxies/p/toxics', { type: 'noop', name: 'n', toxicity: 2 })).status).to.equal(400);
      expect((await call('DELETE', '/proxies/p/toxics/noop_downstream')).status).to.equal(204);
    });

    it('POST /reset removes every toxic and enables every proxy (204)', async () => {
      await call('POST', '/proxies/p/toxics', { type: 'noop' });
      await call('POST', '/proxies/p', { enabled: false });
      expect((await call('POST', '/reset')).status).to.equal(204);
      expect((await call('GET', '/proxies/p')).json).to.include({ enabled: true }).and.deep.include({ toxics: [] });
    });
  });

  describe('the rest', () => {
    it("GET /version answers toxiproxy's exact body", async () => {
      const version = await call('GET', '/version');
      expect(version.text).to.equal('{"version": "1.2.3"}\n');
    });

    it('answers 404 to an unknown path and 405 to a wrong method', async () => {
      expect((await call('GET', '/nope')).status).to.equal(404);
      expect((await call('PUT', '/proxies')).status).to.equal(405);
    });

    it('refuses browsers with 403, as toxiproxy does', async () => {
      const refused = await api(server.address.port, { 'User-Agent': 'Mozilla/5.0' })('GET', '/proxies');
      expect(refused.status).to.equal(403);
    });

    it('answers 413 to a body over the limit without keeping it', async () => {
      const huge = `[${'"x",'.repeat(300_000)}"x"]`;
      const answer = await call('POST', '/populate', undefined, huge);
      expect(answer.json).to.deep.equal({ error: 'request body too large (limit 1048576 bytes)', status: 413 });
    });
  });

  describe('#close', () => {
    it('does not throw if called multiple times', async () => {
      await server.close();
      await server.close();
      await server.close();
    });
  });
});
