import { expect } from 'chai';
import { startServer } from '../../lib/calc/server/startServer.js';
import { openUdpProbe, type UdpProbe } from '../helpers/rawUdp.js';

/** Sends each payload and waits for its reply (or a short timeout) before the next. */
async function askEach(probe: UdpProbe, port: number, payloads: readonly (string | Buffer)[], timeoutMs = 300): Promise<string[]> {
  for (const payload of payloads) {
    const before = probe.received.length;
    probe.send(payload, port);
    await probe.waitFor(before + 1, timeoutMs);
  }
  return [...probe.received];
}

describe('serving the calc protocol over UDP', () => {
  it('answers each datagram to its sender, with or without a trailing newline', async () => {
    const server = await startServer({ port: 0, transport: 'udp' });
    const probe = await openUdpProbe();
    const replies = await askEach(probe, server.address.port, ['+,1,1', '*,6,7\n', '-,1,3\r\n', '/,1,0', '', 'x']);
    expect(replies).to.deep.equal(['200,2\n', '200,42\n', '200,-2\n', '300,-1\n', '300,-1\n', '300,-1\n']);
    await probe.close();
    await server.close();
  });

  it('answers a datagram over the length limit with 300,-1', async () => {
    const server = await startServer({ port: 0, transport: 'udp', maxDatagramSize: 1024 });
    const probe = await openUdpProbe();
    const replies = await askEach(probe, server.address.port, [`+,1,1${' '.repeat(1100)}`, `+,1,1${' '.repeat(1000)}`]);
    expect(replies).to.deep.equal(['300,-1\n', '200,2\n']);
    await probe.close();
    await server.close();
  });

  it('treats two lines in one datagram as one invalid request', async () => {
    const server = await startServer({ port: 0, transport: 'udp' });
    const probe = await openUdpProbe();
    expect(await askEach(probe, server.address.port, ['+,1,1\n+,2,2\n'])).to.deep.equal(['300,-1\n']);
    await probe.close();
    await server.close();
  });

  it('drops exactly the replies whose injected roll fails (success 0.5)', async () => {
    const rolls = [0.1, 0.9, 0.4, 0.5, 0.49, 0.99];
    const server = await startServer({ port: 0, transport: 'udp', success: 0.5, random: () => rolls.shift() ?? 0 });
    const probe = await openUdpProbe();
    const replies = await askEach(probe, server.address.port, ['+,1,0', '+,2,0', '+,3,0', '+,4,0', '+,5,0', '+,6,0'], 150);
    expect(replies).to.deep.equal(['200,1\n', '200,3\n', '200,5\n']);
    await probe.close();
    await server.close();
  });

  it('answers about a fraction `success` of requests with Math.random (statistical)', async function () {
    this.timeout(10000);
    const server = await startServer({ port: 0, transport: 'udp', success: 0.3 });
    const probe = await openUdpProbe();
    const total = 600;
    // In windows of 50, so the loopback buffers never overflow; each request is distinct.
    for (let start = 0; start < total; start += 50) {
      for (let i = start; i < start + 50; i += 1) probe.send(`+,${i},0`, server.address.port);
      await probe.waitFor(Number.MAX_SAFE_INTEGER, 30);
    }
    await probe.waitFor(Number.MAX_SAFE_INTEGER, 100);
    const answered = probe.received.length;
    // Binomial(600, 0.3): mean 180, sd ~11.2; +-5 sd makes a false alarm practically impossible.
    expect(answered).to.be.within(180 - 56, 180 + 56);
    expect(new Set(probe.received).size).to.equal(answered);
    await probe.close();
    await server.close();
  });

  it('answers nothing with success 0 and everything with success 1', async () => {
    const silent = await startServer({ port: 0, transport: 'udp', success: 0 });
    const reliable = await startServer({ port: 0, transport: 'udp', success: 1 });
    const probe = await openUdpProbe();
    for (let i = 0; i < 20; i += 1) probe.send('+,1,1', silent.address.port);
    expect(await probe.waitFor(1, 150)).to.deep.equal([]);
    for (let i = 0; i < 20; i += 1) probe.send('+,1,1', reliable.address.port);
    expect(await probe.waitFor(20, 1000)).to.have.length(20);
    await probe.close();
    await silent.close();
    await reliable.close();
  });
});
