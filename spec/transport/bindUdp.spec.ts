import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { Subject, type Subscription } from 'rxjs';
import { bindUdp, lookupAddress, type Datagram } from '../../lib/transport/bindUdp.js';
import type { SocketAddress } from '../../lib/transport/SocketAddress.js';
import { openUdpProbe } from '../helpers/rawUdp.js';

function bind(host = '127.0.0.1'): Promise<{ address: SocketAddress; datagrams: Subject<Datagram>; subscription: Subscription; whenClosed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const datagrams = new Subject<Datagram>();
    let markClosed: () => void = () => {};
    const whenClosed = new Promise<void>((done) => (markClosed = done));
    const subscription = bindUdp({
      host,
      port: 0,
      onListening: (address) => resolve({ address, datagrams, subscription, whenClosed }),
      onClosed: () => markClosed(),
    }).subscribe({ next: (d) => datagrams.next(d), error: reject });
  });
}

describe('bindUdp', () => {
  it('binds a free port and emits datagrams with their sender', async () => {
    const { address, datagrams, subscription, whenClosed } = await bind();
    const probe = await openUdpProbe();
    const first = new Promise<Datagram>((resolve) => datagrams.subscribe(resolve));
    probe.send('ping', address.port);
    const datagram = await first;
    expect(datagram.data.toString()).to.equal('ping');
    expect(datagram.sender).to.deep.equal({ address: '127.0.0.1', port: probe.socket.address().port, family: 'IPv4' });
    await probe.close();
    subscription.unsubscribe();
    await whenClosed;
  });

  it('replies to each sender at its own address', async () => {
    const { address, datagrams, subscription, whenClosed } = await bind();
    // reply may be passed on detached from its datagram (the UDP proxy keeps it apart).
    datagrams.subscribe(({ data, reply }) => reply(`echo ${data.toString()}`));
    const a = await openUdpProbe();
    const b = await openUdpProbe();
    a.send('a', address.port);
    b.send('b', address.port);
    expect(await a.waitFor(1, 1000)).to.deep.equal(['echo a']);
    expect(await b.waitFor(1, 1000)).to.deep.equal(['echo b']);
    await a.close();
    await b.close();
    subscription.unsubscribe();
    await whenClosed;
  });

  it('binds a udp6 socket for an IPv6 host', async () => {
    const { address, subscription, whenClosed } = await bind('::1');
    expect(address.family).to.equal('IPv6');
    subscription.unsubscribe();
    await whenClosed;
  });

  it('errors with EADDRINUSE when the port is taken', async () => {
    const { address, subscription, whenClosed } = await bind();
    let closedToo = false;
    const err = await new Promise<NodeJS.ErrnoException>((resolve) =>
      bindUdp({ port: address.port, onClosed: () => (closedToo = true) }).subscribe({ error: resolve }),
    );
    expect(err.code).to.equal('EADDRINUSE');
    expect(closedToo).to.equal(true);
    subscription.unsubscribe();
    await whenClosed;
  });

  it('closes the socket on unsubscribe, and a late reply is ignored', async () => {
    const { address, datagrams, subscription, whenClosed } = await bind();
    const probe = await openUdpProbe();
    const first = new Promise<Datagram>((resolve) => datagrams.subscribe(resolve));
    probe.send('x', address.port);
    const datagram = await first;
    subscription.unsubscribe();
    await whenClosed;
    expect(() => datagram.reply('late')).not.to.throw();
    expect(await probe.waitFor(1, 100)).to.deep.equal([]);
    // The port is free again.
    const again = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(address.port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
    await probe.close();
  });
});

describe('lookupAddress (dgram\'s lookup before each send)', () => {
  it('answers an IP address at once once bound (no tick per reply), with its family', () => {
    const answers: unknown[] = [];
    lookupAddress(true, '127.0.0.1', 4, (err, address, family) => answers.push([err, address, family]));
    lookupAddress(true, '::1', { family: 6 }, (err, address, family) => answers.push([err, address, family]));
    expect(answers).to.deep.equal([
      [null, '127.0.0.1', 4],
      [null, '::1', 6],
    ]);
  });

  it('answers a tick later before the socket is bound (so bind never emits listening inside itself), and resolves names with dns', async () => {
    const answers: unknown[] = [];
    const unbound = new Promise((resolve) => lookupAddress(false, '127.0.0.1', 4, (err, address) => resolve(answers.push(['unbound', err, address]))));
    const named = new Promise((resolve) => lookupAddress(true, 'localhost', 4, (err, address) => resolve(answers.push(['named', err, address]))));
    expect(answers, 'nothing answered synchronously').to.deep.equal([]);
    await Promise.all([unbound, named]);
    expect(answers).to.deep.include.members([
      ['unbound', null, '127.0.0.1'],
      ['named', null, '127.0.0.1'],
    ]);
  });
});
