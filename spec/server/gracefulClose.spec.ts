import { expect } from 'chai';
import { delay, map, pipe } from 'rxjs';
import { startServer } from '../../lib/calc/server/startServer.js';
import { closed, openSocket, readLines, sleep, connectOutcome } from '../helpers/rawTcp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';


describe('RunningServer#close({ graceMs })', () => {
  it('answers every request already received over TCP before closing, and stops accepting', async () => {
    // Replies take 50 ms, so they are still in flight when the close begins.
    const slow = pipe(
      map((frame: unknown) => `echo ${String(frame)}`),
      delay(50),
    );
    const server = await startServer({ port: 0 }, slow);
    const socket = await openSocket(server.address.port);
    const replies = readLines(socket, 3);
    socket.write('a\nb\nc\n');
    await sleep(10);
    const closing = server.close({ graceMs: 1000 });
    expect(await connectOutcome(server.address.port)).to.equal('ECONNREFUSED');
    expect(await replies).to.deep.equal(['echo a', 'echo b', 'echo c']);
    await closed(socket);
    await closing;
  });

  it('does not answer a partial line that was still arriving', async () => {
    const server = await startServer({ port: 0 });
    const socket = await openSocket(server.address.port);
    const received: string[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk.toString()));
    socket.write('+,1,1\n+,2');
    await sleep(20);
    await server.close({ graceMs: 500 });
    await closed(socket);
    expect(received.join('')).to.equal('200,2\n');
  });

  it('closes idle connections at once instead of waiting for the grace period', async () => {
    const server = await startServer({ port: 0 });
    const idle = await openSocket(server.address.port);
    await sleep(20);
    const started = Date.now();
    await server.close({ graceMs: 1500 });
    await closed(idle);
    expect(Date.now() - started).to.be.lessThan(500);
  });

  it('destroys what is left when the grace period ends', async () => {
    const never = pipe(
      map((frame: unknown) => String(frame)),
      delay(60_000),
    );
    const server = await startServer({ port: 0 }, never);
    const socket = await openSocket(server.address.port);
    socket.on('error', () => {});
    socket.write('stuck\n');
    await sleep(20);
    const started = Date.now();
    await server.close({ graceMs: 100 });
    await closed(socket);
    expect(Date.now() - started).to.be.within(90, 1000);
  });

  it('answers UDP requests already in flight, and ignores new ones', async () => {
    const slow = pipe(
      map((frame: unknown) => `echo ${String(frame)}`),
      delay(50),
    );
    const server = await startServer({ port: 0, transport: 'udp' }, slow);
    const probe = await openUdpProbe();
    probe.send('a', server.address.port);
    probe.send('b', server.address.port);
    await sleep(10);
    const closing = server.close({ graceMs: 1000 });
    probe.send('late', server.address.port);
    expect(await probe.waitFor(3, 300)).to.deep.equal(['echo a\n', 'echo b\n']);
    await closing;
    await probe.close();
  });
});
