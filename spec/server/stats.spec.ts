import { expect } from 'chai';
import { firstValueFrom, skip, take, toArray } from 'rxjs';
import { startServer } from '../../lib/calc/server/startServer.js';
import { closed, exchange, openSocket } from '../helpers/rawTcp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';

describe('RunningServer stats', () => {
  it('counts requests, replies, invalid ones and latency over TCP', async () => {
    const server = await startServer({ port: 0 });
    await exchange(server.address.port, '+,1,1\nx\n/,1,0\n*,2,2\n', 4);
    const snapshot = server.snapshot();
    expect(snapshot).to.include({ requests: 4, replies: 4, invalid: 2, dropped: 0, rateLimited: 0 });
    expect(snapshot.latencyMicros.p50).to.be.greaterThan(0);
    expect(snapshot.latencyMicros.p99).to.be.at.least(snapshot.latencyMicros.p50);
    await server.close();
  });

  it('counts open connections as they come and go', async () => {
    const server = await startServer({ port: 0 });
    const a = await openSocket(server.address.port);
    const b = await openSocket(server.address.port);
    await exchange(server.address.port, '+,1,1\n', 1);
    expect(server.snapshot().openConnections).to.be.at.least(2);
    a.destroy();
    b.destroy();
    await Promise.all([closed(a), closed(b)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.snapshot().openConnections).to.equal(0);
    await server.close();
  });

  it('counts UDP drops with their injected rolls', async () => {
    const rolls = [0.1, 0.9, 0.9, 0.1];
    const server = await startServer({ port: 0, transport: 'udp', success: 0.5, random: () => rolls.shift() ?? 0 });
    const probe = await openUdpProbe();
    for (let i = 0; i < 4; i += 1) {
      probe.send(`+,${i},0`, server.address.port);
      await probe.waitFor(Number.MAX_SAFE_INTEGER, 30);
    }
    expect(server.snapshot()).to.include({ requests: 4, replies: 2, dropped: 2 });
    await probe.close();
    await server.close();
  });

  it('counts a TCP cut as dropped; requests after it on that connection are never read', async () => {
    const rolls = [0.1, 0.9];
    const server = await startServer({ port: 0, success: 0.5, random: () => rolls.shift() ?? 0 });
    const socket = await openSocket(server.address.port);
    socket.on('data', () => {});
    socket.write('+,1,1\n+,2,2\n+,3,3\n');
    await closed(socket);
    expect(server.snapshot()).to.include({ requests: 2, replies: 1, dropped: 1 });
    await server.close();
  });

  it('streams snapshots: one at once, then one per interval', async () => {
    const server = await startServer({ port: 0 });
    const first = await firstValueFrom(server.stats(20));
    expect(first.requests).to.equal(0);
    await exchange(server.address.port, '+,1,1\n', 1);
    const later = await firstValueFrom(server.stats(20).pipe(skip(1), take(2), toArray()));
    expect(later.map((s) => s.requests)).to.deep.equal([1, 1]);
    await server.close();
  });
});
