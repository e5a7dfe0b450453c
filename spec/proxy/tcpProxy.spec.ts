import { expect } from 'chai';
import { startProxyServer, type RunningProxyServer } from '../../lib/proxy/startProxyServer.js';
import { openSocket, sleep } from '../helpers/rawTcp.js';
import { api } from './fixtures/apiClient.js';
import { roundTrip, startEchoServer, talk, type EchoServer } from './fixtures/tcpPeers.js';

/** The port of a proxy's `listen` field (`127.0.0.1:40123`). */
function portOf(listen: unknown): number {
  return Number(String(listen).split(':').pop());
}

describe('rxnet proxy over TCP, driven through the API (loopback)', function () {
  this.timeout(10000);
  let server: RunningProxyServer;
  let echo: EchoServer;
  let call: ReturnType<typeof api>;
  let proxyPort: number;

  beforeEach(async () => {
    echo = await startEchoServer();
    server = await startProxyServer({ port: 0 });
    call = api(server.address.port);
    const created = await call('POST', '/proxies', { name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
    expect(created.status).to.equal(201);
    proxyPort = portOf((created.json as { listen: string }).listen);
  });

  afterEach(async () => {
    await server.close();
    await echo.close();
  });

  it('forwards bytes both ways with no toxic, and the listen field shows the real port', async () => {
    expect(proxyPort).to.be.above(0);
    const outcome = await talk(proxyPort, 'hello', 3000, true);
    expect(outcome.received.toString()).to.equal('hello');
    expect(outcome.ending).to.equal('end');
  });

  it('makes a latency toxic visible in measured round trips', async () => {
    const plain = await roundTrip(proxyPort, Buffer.from('ping'));
    const added = await call('POST', '/proxies/echo/toxics', { type: 'latency', attributes: { latency: 200 } });
    expect(added.status).to.equal(200);
    const slowed = await roundTrip(proxyPort, Buffer.from('ping'));
    expect(slowed.received.toString()).to.equal('ping');
    expect(slowed.elapsedMs - plain.elapsedMs).to.be.at.least(190);
  });

  it('makes a bandwidth toxic visible in measured throughput', async () => {
    await call('POST', '/proxies/echo/toxics', { type: 'bandwidth', attributes: { rate: 100 } }); // 100 KB/s downstream
    const outcome = await roundTrip(proxyPort, Buffer.alloc(50_000, 7));
    expect(outcome.received.length).to.equal(50_000);
    expect(outcome.elapsedMs).to.be.at.least(450); // 50 KB at 100 KB/s is 500 ms
  });

  it('resets the client with reset_peer: it sees ECONNRESET', async () => {
    await call('POST', '/proxies/echo/toxics', { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
    const outcome = await talk(proxyPort, 'hello');
    expect(outcome.ending).to.equal('ECONNRESET');
    expect(outcome.received.length).to.equal(0);
  });

  it('drops data with timeout and closes the connection after it', async () => {
    await call('POST', '/proxies/echo/toxics', { type: 'timeout', stream: 'upstream', attributes: { timeout: 300 } });
    const outcome = await talk(proxyPort, 'hello');
    expect(outcome.received.length).to.equal(0);
    expect(outcome.ending).to.equal('end');
    expect(outcome.elapsedMs).to.be.at.least(290);
  });

  it('closes after limit_data bytes', async () => {
    await call('POST', '/proxies/echo/toxics', { type: 'limit_data', attributes: { bytes: 3 } });
    const outcome = await talk(proxyPort, 'hello');
    expect(outcome.received.toString()).to.equal('hel');
    expect(outcome.ending).to.equal('end');
  });

  it('applies a toxic change to an open connection at once, and removing it restores it', async () => {
    const socket = await openSocket(proxyPort);
    try {
      const next = (): Promise<string> => new Promise((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())));
      socket.write('a');
      expect(await next()).to.equal('a');
      await call('POST', '/proxies/echo/toxics', { name: 'hold', type: 'timeout', attributes: { timeout: 0 } });
      const late = next();
      socket.write('b'); // dropped downstream while the toxic holds
      await sleep(200);
      expect((await call('DELETE', '/proxies/echo/toxics/hold')).status).to.equal(204);
      socket.write('c');
      expect(await late).to.equal('c');
    } finally {
      socket.destroy();
    }
  });

  it('stops listening when disabled and listens again when enabled', async () => {
    const disabled = await call('POST', '/proxies/echo', { enabled: false });
    expect((disabled.json as { enabled: boolean }).enabled).to.equal(false);
    expect((await talk(proxyPort, 'x')).ending).to.equal('ECONNREFUSED');
    const enabled = await call('PATCH', '/proxies/echo', { enabled: true });
    expect((enabled.json as { enabled: boolean }).enabled).to.equal(true);
    const port = portOf((enabled.json as { listen: string }).listen);
    expect((await talk(port, 'again', 3000, true)).received.toString()).to.equal('again');
  });

  it('moves a listen change at once: the old port refuses, the new one forwards', async () => {
    const moved = await call('PATCH', '/proxies/echo', { listen: '127.0.0.1:0' });
    const port = portOf((moved.json as { listen: string }).listen);
    expect(port).to.not.equal(proxyPort);
    expect((await talk(proxyPort, 'x')).ending).to.equal('ECONNREFUSED');
    expect((await talk(port, 'here', 3000, true)).received.toString()).to.equal('here');
  });

  it('accepts an upstream that does not resolve, and closes a client that connects', async () => {
    const created = await call('POST', '/proxies', { name: 'nowhere', listen: '127.0.0.1:0', upstream: 'no-such-host.invalid:80' });
    expect(created.status).to.equal(201);
    const outcome = await talk(portOf((created.json as { listen: string }).listen), 'x');
    expect(outcome.received.length).to.equal(0);
    expect(outcome.ending).to.be.oneOf(['end', 'ECONNRESET']);
  });

  it('moves an upstream change at once: new clients reach the new upstream', async () => {
    const other = await startEchoServer();
    try {
      const updated = await call('PATCH', '/proxies/echo', { upstream: `127.0.0.1:${other.port}` });
      expect((updated.json as { upstream: string }).upstream).to.equal(`127.0.0.1:${other.port}`);
      const outcome = await talk(portOf((updated.json as { listen: string }).listen), 'moved', 3000, true);
      expect(outcome.received.toString()).to.equal('moved');
    } finally {
      await other.close();
    }
  });

  it("runs toxiproxy's README CLI example with the Go client's exact bodies", async () => {
    // toxiproxy-cli create -l 127.0.0.1:0 -u <echo> redis (client.Proxy.Save: the proxy with "toxics": null)
    const created = await call('POST', '/proxies', { name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}`, enabled: true, toxics: null });
    expect(created.status).to.equal(201);
    const port = portOf((created.json as { listen: string }).listen);
    // toxiproxy-cli toxic add -t latency -a latency=300 redis (client.Proxy.AddToxic: name "", no stream)
    const added = await call('POST', '/proxies/redis/toxics', { name: '', type: 'latency', toxicity: 1, attributes: { latency: 300 } });
    expect((added.json as { name: string; stream: string }).name).to.equal('latency_downstream');
    expect((await roundTrip(port, Buffer.from('GET omg'))).elapsedMs).to.be.at.least(290);
    // toxiproxy-cli toxic remove -n latency_downstream redis
    expect((await call('DELETE', '/proxies/redis/toxics/latency_downstream')).status).to.equal(204);
    expect((await roundTrip(port, Buffer.from('GET omg'))).received.toString()).to.equal('GET omg');
    // toxiproxy-cli delete redis; then: Connection refused
    expect((await call('DELETE', '/proxies/redis')).status).to.equal(204);
    expect((await talk(port, 'x')).ending).to.equal('ECONNREFUSED');
  });

  it('never applies a toxic of toxicity 0 (toxiproxy issue #603)', async () => {
    await call('POST', '/proxies/echo/toxics', { type: 'reset_peer', toxicity: 0 });
    for (let i = 0; i < 5; i += 1) expect((await talk(proxyPort, 'safe', 3000, true)).received.toString()).to.equal('safe');
  });

  it('counts bytes per direction in GET /metrics (Prometheus text)', async () => {
    await talk(proxyPort, 'hello', 3000, true);
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).to.equal(200);
    expect(metrics.contentType).to.match(/^text\/plain/);
    expect(metrics.text).to.match(/toxiproxy_proxy_received_bytes_total\{direction="upstream",proxy="echo",listener="127\.0\.0\.1:\d+",upstream="127\.0\.0\.1:\d+"\} 5/);
    expect(metrics.text).to.match(/toxiproxy_proxy_sent_bytes_total\{direction="downstream",proxy="echo"[^}]*\} 5/);
  });
});
