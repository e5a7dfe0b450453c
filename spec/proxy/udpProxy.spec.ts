import { expect } from 'chai';
import { startProxyServer, type RunningProxyServer } from '../../lib/proxy/startProxyServer.js';
import { openUdpProbe, type UdpProbe } from '../helpers/rawUdp.js';
import { closeAllPeers, sleep, startUdpPeer, type UdpPeer } from '../helpers/udpPeer.js';
import { api } from './fixtures/apiClient.js';

/** The port of a proxy's `listen` field. */
function portOf(listen: unknown): number {
  return Number(String(listen).split(':').pop());
}

describe('rxnet proxy over UDP (the protocol extension), loopback', function () {
  this.timeout(10000);
  let server: RunningProxyServer;
  let upstream: UdpPeer;
  let probes: UdpProbe[];
  let call: ReturnType<typeof api>;

  /** Starts the API with these UDP limits and a UDP proxy in front of the upstream peer; returns its port. */
  async function start(udp: { idleTimeoutMs?: number; maxMappings?: number } = {}): Promise<number> {
    server = await startProxyServer({ port: 0, udp });
    call = api(server.address.port);
    const created = await call('POST', '/proxies', { name: 'dns', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}`, protocol: 'udp' });
    expect(created.status).to.equal(201);
    expect(created.json).to.include({ protocol: 'udp' });
    return portOf((created.json as { listen: string }).listen);
  }

  /** A new client probe, closed after the test. */
  async function probe(): Promise<UdpProbe> {
    const opened = await openUdpProbe();
    probes.push(opened);
    return opened;
  }

  /** The upstream source port of the last datagram whose text is `text`. */
  const seenFrom = (text: string): number | undefined => [...upstream.received].reverse().find((d) => d.text === text)?.from.port;

  beforeEach(async () => {
    probes = [];
    upstream = await startUdpPeer((datagram, peer) => peer.send(`echo:${datagram.text}`, datagram.from));
  });

  afterEach(async () => {
    await Promise.all(probes.map((p) => p.close()));
    await server?.close();
    await closeAllPeers();
  });

  it('gives each client its own upstream socket, so every reply goes back to the client that asked', async () => {
    const port = await start();
    const [a, b] = [await probe(), await probe()];
    a.send('one', port);
    b.send('two', port);
    expect(await a.waitFor(1, 2000)).to.deep.equal(['echo:one']);
    expect(await b.waitFor(1, 2000)).to.deep.equal(['echo:two']);
    expect(seenFrom('one')).to.not.equal(seenFrom('two'));
    a.send('three', port);
    expect(await a.waitFor(2, 2000)).to.deep.equal(['echo:one', 'echo:three']);
    expect(seenFrom('three')).to.equal(seenFrom('one'));
  });

  it('expires an idle mapping: the next datagram comes from a fresh upstream socket', async () => {
    const port = await start({ idleTimeoutMs: 100 });
    const a = await probe();
    a.send('first', port);
    await a.waitFor(1, 2000);
    await sleep(300);
    a.send('second', port);
    await a.waitFor(2, 2000);
    expect(seenFrom('second')).to.not.equal(seenFrom('first'));
  });

  it('bounds the mappings: past maxMappings the least recently active client is evicted', async () => {
    const port = await start({ maxMappings: 2 });
    const [a, b, c] = [await probe(), await probe(), await probe()];
    a.send('a1', port);
    await a.waitFor(1, 2000);
    b.send('b1', port);
    await b.waitFor(1, 2000);
    c.send('c1', port); // evicts a's mapping
    await c.waitFor(1, 2000);
    b.send('b2', port);
    await b.waitFor(2, 2000);
    a.send('a2', port);
    expect(await a.waitFor(2, 2000)).to.deep.equal(['echo:a1', 'echo:a2']);
    expect(seenFrom('a2')).to.not.equal(seenFrom('a1'));
    expect(seenFrom('b2')).to.equal(seenFrom('b1'));
  });

  it('drops datagrams with packet_loss and lets them through once it is removed', async () => {
    const port = await start();
    await call('POST', '/proxies/dns/toxics', { type: 'packet_loss', stream: 'upstream', attributes: { loss_rate: 1 } });
    const a = await probe();
    a.send('lost', port);
    expect(await a.waitFor(1, 300)).to.deep.equal([]);
    expect(upstream.received).to.have.length(0);
    await call('DELETE', '/proxies/dns/toxics/packet_loss_upstream');
    a.send('kept', port);
    expect(await a.waitFor(1, 2000)).to.deep.equal(['echo:kept']);
  });

  it('makes a latency toxic visible in the round trip', async () => {
    const port = await start();
    await call('POST', '/proxies/dns/toxics', { type: 'latency', attributes: { latency: 150 } });
    const a = await probe();
    const started = performance.now();
    a.send('slow', port);
    expect(await a.waitFor(1, 2000)).to.deep.equal(['echo:slow']);
    expect(performance.now() - started).to.be.at.least(140);
  });

  it('duplicates datagrams with duplicate rate 1', async () => {
    const port = await start();
    await call('POST', '/proxies/dns/toxics', { type: 'duplicate', stream: 'upstream', attributes: { rate: 1 } });
    const a = await probe();
    a.send('twice', port);
    expect(await a.waitFor(2, 2000)).to.deep.equal(['echo:twice', 'echo:twice']);
  });

  it('refuses a TCP-only toxic on a UDP proxy with 400', async () => {
    await start();
    const refused = await call('POST', '/proxies/dns/toxics', { type: 'slicer' });
    expect(refused.status).to.equal(400);
    expect((refused.json as { error: string }).error).to.match(/^invalid toxic type: "slicer" \(a udp proxy takes /);
  });
});
