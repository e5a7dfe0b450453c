import { expect } from 'chai';
import { delay, map, pipe } from 'rxjs';
import { startServer } from '../../lib/calc/server/startServer.js';
import { closed, exchange, openSocket, readLines, sleep } from '../helpers/rawTcp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';

describe('server limits', () => {
  describe('maxConnections', () => {
    it('closes connections beyond the limit on arrival and counts them, while the others are served', async () => {
      const server = await startServer({ port: 0, maxConnections: 2 });
      const kept = [await openSocket(server.address.port), await openSocket(server.address.port)];
      await sleep(20);
      const extra = await openSocket(server.address.port);
      extra.on('error', () => {});
      await closed(extra);
      expect(server.snapshot().refusedConnections).to.equal(1);
      const lines = readLines(kept[0]!, 1);
      kept[0]!.write('+,1,1\n');
      expect(await lines).to.deep.equal(['200,2']);
      for (const socket of kept) socket.destroy();
      await server.close();
    });
  });

  describe('idleTimeoutMs', () => {
    it('closes a TCP connection silent both ways for that long', async () => {
      const server = await startServer({ port: 0, idleTimeoutMs: 100 });
      const idle = await openSocket(server.address.port);
      idle.on('error', () => {});
      const started = Date.now();
      await closed(idle);
      expect(Date.now() - started).to.be.within(80, 1000);
      await server.close();
    });

    it('keeps a connection that talks', async () => {
      const server = await startServer({ port: 0, idleTimeoutMs: 150 });
      const socket = await openSocket(server.address.port);
      for (let i = 0; i < 4; i += 1) {
        const line = readLines(socket, 1);
        socket.write('+,1,1\n');
        expect(await line).to.deep.equal(['200,2']);
        await sleep(80);
      }
      expect(socket.destroyed).to.equal(false);
      socket.destroy();
      await server.close();
    });
  });

  describe('maxInFlight', () => {
    it('stops reading while that many requests await their replies, then goes on, in order', async () => {
      // A slow pipeline: each reply takes 20 ms, so requests pile up in flight.
      const slow = pipe(
        map((frame: unknown) => String(frame)),
        delay(20),
      );
      const server = await startServer({ port: 0, maxInFlight: 2 }, slow);
      const replies = await exchange(server.address.port, 'a\nb\nc\nd\ne\n', 5);
      expect(replies).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
      await server.close();
    });
  });

  describe('maxDatagramSize', () => {
    it('answers a UDP request over the size with 300,-1', async () => {
      const server = await startServer({ port: 0, transport: 'udp', maxDatagramSize: 10 });
      const probe = await openUdpProbe();
      probe.send('+,1,1     \n', server.address.port);
      expect(await probe.waitFor(1, 500)).to.deep.equal(['200,2\n']);
      probe.send('+,1,1      ', server.address.port);
      expect(await probe.waitFor(2, 500)).to.deep.equal(['200,2\n', '300,-1\n']);
      await probe.close();
      await server.close();
    });
  });

  describe('udpRate', () => {
    it('answers a source its burst, then rate-limits it and counts what it refused', async () => {
      const server = await startServer({ port: 0, transport: 'udp', udpRate: 1, udpBurst: 5, udpRateLoopback: true });
      const probe = await openUdpProbe();
      for (let i = 0; i < 20; i += 1) probe.send(`+,${i},0`, server.address.port);
      const answered = await probe.waitFor(20, 300);
      expect(answered).to.have.length(5);
      expect(server.snapshot().rateLimited).to.equal(15);
      await probe.close();
      await server.close();
    });

    it('limits each source separately', async () => {
      const server = await startServer({ port: 0, transport: 'udp', udpRate: 1, udpBurst: 2, udpRateLoopback: true });
      const a = await openUdpProbe();
      const b = await openUdpProbe();
      // Both probes share 127.0.0.1: the limit is per address, so together they get the burst.
      for (let i = 0; i < 3; i += 1) a.send('+,1,1', server.address.port);
      for (let i = 0; i < 3; i += 1) b.send('+,1,1', server.address.port);
      await sleep(200);
      expect(a.received.length + b.received.length).to.equal(2);
      await a.close();
      await b.close();
      await server.close();
    });

    it('is off with udpRate 0', async () => {
      const server = await startServer({ port: 0, transport: 'udp', udpRate: 0 });
      const probe = await openUdpProbe();
      for (let i = 0; i < 50; i += 1) probe.send('+,1,1', server.address.port);
      expect(await probe.waitFor(50, 1000)).to.have.length(50);
      expect(server.snapshot().rateLimited).to.equal(0);
      await probe.close();
      await server.close();
    });
  });
});
