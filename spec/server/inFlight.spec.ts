import { expect } from 'chai';
import { map, mergeMap, Subject, take, type OperatorFunction } from 'rxjs';
import type { Frame } from '../../lib/framing/Frame.js';
import { ServerStats } from '../../lib/server/ServerStats.js';
import { startServer } from '../../lib/calc/server/startServer.js';
import { openSocket, readLines } from '../helpers/rawTcp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';
import { waitUntil } from '../helpers/waitUntil.js';

/** A pipeline holding every request until `release` emits, then answering `ok`. */
function gated(release: Subject<void>): OperatorFunction<Frame, string> {
  return mergeMap(() => release.pipe(take(1), map(() => 'ok')));
}

describe('ServerStats#inFlight (issue 15)', () => {
  it('sums what the tracked probes hold, and forgets one once untracked', () => {
    const stats = new ServerStats();
    let held = 3;
    const untrack = stats.trackInFlight(() => held);
    stats.trackInFlight(() => 2);
    expect(stats.snapshot().inFlight).to.equal(5);
    held = 1;
    expect(stats.inFlight).to.equal(3);
    untrack();
    untrack();
    expect(stats.inFlight).to.equal(2);
  });

  it('counts TCP requests read and not yet answered, and none once they are answered', async () => {
    const release = new Subject<void>();
    const server = await startServer({ port: 0 }, gated(release));
    try {
      const socket = await openSocket(server.address.port);
      socket.write('a\nb\nc\n');
      expect(await waitUntil(() => server.snapshot().requests === 3)).to.equal(true);
      expect(server.snapshot().inFlight).to.equal(3);
      const replies = readLines(socket, 3);
      release.next();
      expect(await replies).to.deep.equal(['ok', 'ok', 'ok']);
      expect(server.snapshot().inFlight).to.equal(0);
      socket.write('d\n');
      expect(await waitUntil(() => server.snapshot().inFlight === 1)).to.equal(true);
      // The client goes; the server still answers what it read (into the void), then closes.
      socket.destroy();
      release.next();
      expect(await waitUntil(() => server.snapshot().openConnections === 0)).to.equal(true);
      expect(server.snapshot().inFlight, 'a closed connection holds nothing').to.equal(0);
    } finally {
      await server.close();
    }
  });

  it('counts UDP datagrams whose pipeline has not answered yet', async () => {
    const release = new Subject<void>();
    const server = await startServer({ port: 0, transport: 'udp' }, gated(release));
    const probe = await openUdpProbe();
    try {
      probe.send('a', server.address.port);
      probe.send('b', server.address.port);
      expect(await waitUntil(() => server.snapshot().requests === 2)).to.equal(true);
      expect(server.snapshot().inFlight).to.equal(2);
      release.next();
      expect(await probe.waitFor(2, 2000)).to.deep.equal(['ok\n', 'ok\n']);
      expect(server.snapshot().inFlight).to.equal(0);
    } finally {
      await probe.close();
      await server.close();
    }
  });

  it('holds nothing between reads on the fused calc path', async () => {
    const server = await startServer({ port: 0 });
    try {
      const socket = await openSocket(server.address.port);
      const replies = readLines(socket, 2);
      socket.write('+,1,1\n+,2,2\n');
      expect(await replies).to.deep.equal(['200,2', '200,4']);
      expect(server.snapshot()).to.include({ requests: 2, inFlight: 0 });
      socket.destroy();
    } finally {
      await server.close();
    }
  });
});
