import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { firstValueFrom, Subject, take, toArray } from 'rxjs';
import { openUdp, type UdpClientSocket } from '../../lib/transport/openUdp.js';
import { closedUdpPort, openUdpSockets, sleep, startUdpPeer, udpSocketsSettleTo, type UdpPeer, closeAllPeers } from '../helpers/udpPeer.js';

describe('openUdp', () => {
  afterEach(closeAllPeers);

  let peer: UdpPeer;
  let baseline: number;

  beforeEach(async () => {
    baseline = openUdpSockets();
    peer = await startUdpPeer((datagram, self) => self.send(`echo ${datagram.text}`, datagram.from));
  });

  afterEach(async () => {
    await peer.close();
  });

  /** Subscribes and resolves with the socket, plus a way to unsubscribe and wait for the close. */
  async function open(port = peer.port): Promise<{ socket: UdpClientSocket; close: () => Promise<void> }> {
    const closed = new Subject<void>();
    const sockets = new Subject<UdpClientSocket>();
    const first = firstValueFrom(sockets);
    const subscription = openUdp({ port, onClosed: () => closed.next() }).subscribe(sockets);
    const socket = await first;
    return {
      socket,
      close: async () => {
        const done = firstValueFrom(closed);
        subscription.unsubscribe();
        await done;
      },
    };
  }

  it('emits a socket on a fresh ephemeral port, connected to the peer', async () => {
    const a = await open();
    const b = await open();
    expect(a.socket.local.port).to.be.above(0);
    expect(a.socket.local.port).to.not.equal(b.socket.local.port);
    expect(a.socket.remote).to.deep.include({ address: '127.0.0.1', port: peer.port });
    await a.close();
    await b.close();
  });

  it('sends datagrams to the peer and emits the peer\'s datagrams on messages$', async () => {
    const { socket, close } = await open();
    const replies = firstValueFrom(socket.messages$.pipe(take(2), toArray()));
    socket.send('one');
    socket.send(Buffer.from('two'));
    expect((await replies).map(String).sort()).to.deep.equal(['echo one', 'echo two']);
    expect(peer.received.map((d) => d.text).sort()).to.deep.equal(['one', 'two']);
    expect(peer.received[0]?.from.port).to.equal(socket.local.port);
    await close();
  });

  it('ignores datagrams from any other address or port', async () => {
    const { socket, close } = await open();
    const got: string[] = [];
    const subscription = socket.messages$.subscribe((data) => got.push(String(data)));
    const stranger = createSocket('udp4');
    await new Promise<void>((resolve) => stranger.bind(0, '127.0.0.1', resolve));
    stranger.send('200,666', socket.local.port, '127.0.0.1');
    socket.send('real');
    await sleep(50);
    expect(got).to.deep.equal(['echo real']);
    subscription.unsubscribe();
    await new Promise<void>((resolve) => stranger.close(() => resolve()));
    await close();
  });

  it('errors messages$ with ECONNREFUSED when nothing listens at the peer\'s port', async () => {
    const port = await closedUdpPort();
    const { socket, close } = await open(port);
    const failed = firstValueFrom(socket.messages$).then(
      () => undefined,
      (err: unknown) => err,
    );
    socket.send('anyone?');
    const err = (await failed) as NodeJS.ErrnoException;
    expect(err).to.be.an.instanceOf(Error);
    expect(err.code).to.equal('ECONNREFUSED');
    await close();
  });

  it('errors at once, with no socket left open, for a port it cannot connect to', async () => {
    const err = await firstValueFrom(openUdp({ port: 0 })).then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(err?.code).to.equal('ERR_SOCKET_BAD_PORT');
    expect(await udpSocketsSettleTo(baseline + 1)).to.equal(true); // only the peer's
  });

  describe('#unsubscribe', () => {
    it('closes the socket and completes the subscribers of messages$', async () => {
      const { socket, close } = await open();
      let completed = false;
      socket.messages$.subscribe({ complete: () => (completed = true) });
      expect(openUdpSockets()).to.equal(baseline + 2);
      await close();
      expect(completed).to.equal(true);
      expect(await udpSocketsSettleTo(baseline + 1)).to.equal(true);
    });

    it('makes send a no-op afterwards', async () => {
      const { socket, close } = await open();
      await close();
      socket.send('late');
      await sleep(20);
      expect(peer.received).to.deep.equal([]);
    });

    it('closes a socket that was still connecting', async () => {
      let closed = false;
      const subscription = openUdp({ host: 'localhost', port: peer.port, onClosed: () => (closed = true) }).subscribe();
      subscription.unsubscribe();
      await sleep(20);
      expect(closed).to.equal(true);
      expect(await udpSocketsSettleTo(baseline + 1)).to.equal(true);
    });
  });
});
