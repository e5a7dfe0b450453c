import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { firstValueFrom, map, tap, type OperatorFunction, type Subscription } from 'rxjs';
import type { Codec } from '../../lib/codec/Codec.js';
import { createRequestClient } from '../../lib/client/requestClient.js';
import { lengthFieldCodec } from '../../lib/codec/lengthFieldCodec.js';
import { lineCodec } from '../../lib/codec/lineCodec.js';
import { ERR_RXNET_TIMEOUT, RxnetClosedError, RxnetInvalidOptionError, RxnetProtocolError, RxnetTimeoutError } from '../../lib/errors.js';
import { serveTcp } from '../../lib/server/serveTcp.js';

describe('createRequestClient (issue 13)', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A TCP server of `codec` answering with `handler`; resolves with its port. */
  function tcpServer<F, M>(handler: OperatorFunction<F, M>, codec: Codec<F, M>): Promise<number> {
    return new Promise((resolve) => {
      const serving: Subscription = serveTcp({ port: 0, codec, onListening: (at) => resolve(at.port) }, handler).subscribe();
      cleanups.push(() => serving.unsubscribe());
    });
  }

  /** A UDP peer that answers each datagram with `answer(text)` lines after `delayOf(text)` ms, and counts what it got. */
  async function udpPeer(answer: (text: string) => string | undefined, delayOf: (text: string) => number = () => 0): Promise<{ port: number; received: string[] }> {
    const socket = createSocket('udp4');
    const received: string[] = [];
    socket.on('message', (data, from) => {
      const text = data.toString();
      received.push(text);
      const reply = answer(text);
      if (reply !== undefined) setTimeout(() => socket.send(reply, from.port, from.address), delayOf(text));
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    return { port: socket.address().port, received };
  }

  it('over TCP: encodes with the codec and matches pipelined binary replies in order', async () => {
    const codec = lengthFieldCodec();
    const port = await tcpServer(map((body: Uint8Array) => Buffer.from(body).reverse()), codec);
    const client = createRequestClient({ port, codec, tcp: { maxInFlight: 4 } });
    cleanups.push(() => client.close());
    const replies = await Promise.all(['abc', 'de', ''].map((body) => firstValueFrom(client.request(body))));
    expect(replies.map((reply) => Buffer.from(reply).toString())).to.deep.equal(['cba', 'ed', '']);
    expect(client.address).to.equal(`tcp://127.0.0.1:${port}`);
  });

  it('over TCP: a reply isReply refuses errors its request with an RxnetProtocolError', async () => {
    const port = await tcpServer(map(() => 'garbage'), lineCodec());
    const client = createRequestClient({ port, codec: lineCodec(), isReply: (reply) => reply.startsWith('ok'), retry: { initial: 500, retry: false } });
    cleanups.push(() => client.close());
    const err = await firstValueFrom(client.request('x')).catch((error: unknown) => error);
    expect(err).to.be.an.instanceOf(RxnetProtocolError);
    expect((err as Error).message).to.match(/^Invalid reply from tcp:\/\/127\.0\.0\.1:\d+ \(session \d+\): "garbage"$/);
  });

  it('over UDP by socket: a fresh socket per request, retried on the backoff schedule until answered', async () => {
    let seen = 0;
    const peer = await udpPeer((text) => (++seen < 3 ? undefined : `re:${text}`)); // the first two copies are lost
    const client = createRequestClient({ transport: 'udp', port: peer.port, codec: lineCodec(), retry: { initial: 40, max: 400 } });
    cleanups.push(() => client.close());
    expect(await firstValueFrom(client.request('hi'))).to.equal('re:hi');
    expect(peer.received).to.deep.equal(['hi\n', 'hi\n', 'hi\n']);
  });

  it('over UDP by key: one socket, replies matched by the key whatever their order, the policy applied around each request', async () => {
    const peer = await udpPeer(
      (text) => `${text.trim()}:done\n`,
      (text) => (text.startsWith('slow') ? 150 : 0),
    );
    const seenByPolicy: string[] = [];
    const client = createRequestClient({
      transport: 'udp',
      port: peer.port,
      codec: lineCodec(),
      key: { request: (request: string) => request, reply: (reply: string) => reply.split(':')[0] },
      policy: tap((reply: string) => seenByPolicy.push(reply)),
    });
    cleanups.push(() => client.close());
    const order: string[] = [];
    const replies = await Promise.all(['slow', 'quick'].map((request) => firstValueFrom(client.request(request)).then((reply) => (order.push(reply), reply))));
    expect(replies).to.deep.equal(['slow:done', 'quick:done']);
    expect(order).to.deep.equal(['quick:done', 'slow:done']);
    expect(seenByPolicy).to.deep.equal(['quick:done', 'slow:done']);
  });

  it('over UDP by key: gives up with an RxnetTimeoutError counting every copy sent', async () => {
    const peer = await udpPeer(() => 'other:reply\n');
    const client = createRequestClient({ transport: 'udp', port: peer.port, codec: lineCodec(), key: { request: (r: string) => r, reply: (r: string) => r.split(':')[0] }, retry: { initial: 20, max: 40 } });
    cleanups.push(() => client.close());
    const err = await firstValueFrom(client.request('mine')).catch((error: unknown) => error);
    expect(err).to.be.an.instanceOf(RxnetTimeoutError).with.property('code', ERR_RXNET_TIMEOUT);
    expect((err as RxnetTimeoutError).info.attempts).to.equal(2);
    expect(peer.received).to.deep.equal(['mine\n', 'mine\n']);
  });

  it('errors requests in flight with an RxnetClosedError on close(), and refuses later ones', async () => {
    const peer = await udpPeer(() => undefined);
    const client = createRequestClient({ transport: 'udp', port: peer.port, codec: lineCodec(), key: { request: (r: string) => r, reply: (r: string) => r } });
    const pending = firstValueFrom(client.request('x')).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.close();
    expect(await pending).to.be.an.instanceOf(RxnetClosedError);
    expect(await firstValueFrom(client.request('y')).catch((error: unknown) => (error as Error).message)).to.equal(`request client for udp://127.0.0.1:${peer.port} was closed`);
  });

  it('refuses a key on a stream transport, and a missing codec, at construction', () => {
    expect(() => createRequestClient({ port: 9000, codec: lineCodec(), key: { request: (r: string) => r, reply: (r: string) => r } })).to.throw(
      RxnetInvalidOptionError,
      'Invalid options: key applies to transport udp only (a stream matches replies in order)',
    );
    expect(() => createRequestClient({ port: 9000 } as never)).to.throw(RxnetInvalidOptionError, 'Invalid codec "undefined" (expected a codec { decode, encode })');
  });
});
