import { expect } from 'chai';
import { map, type Subscription } from 'rxjs';
import { lengthFieldCodec } from '../../lib/codec/lengthFieldCodec.js';
import { lineCodec } from '../../lib/codec/lineCodec.js';
import { ERR_RXNET_BAD_LENGTH_FIELD, ERR_RXNET_UNENCODABLE_FRAME, RxnetInvalidOptionError, isFramingError } from '../../lib/errors.js';
import { serveTcp } from '../../lib/server/serveTcp.js';
import { serveUdp } from '../../lib/server/serveUdp.js';
import { ServerStats } from '../../lib/server/ServerStats.js';
import { rawExchange } from '../helpers/rawTcp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';

const frame = (body: string): Buffer => Buffer.concat([Buffer.from([0, 0, 0, Buffer.byteLength(body)]), Buffer.from(body)]);

describe('serveTcp and serveUdp with a codec (issue 13)', () => {
  let serving: Subscription | undefined;
  afterEach(() => {
    serving?.unsubscribe();
    serving = undefined;
  });

  /** Serves `start` and resolves with its port once it listens. */
  function listening(start: (onListening: (at: { port: number }) => void) => Subscription): Promise<number> {
    return new Promise((resolve) => {
      serving = start((at) => resolve(at.port));
    });
  }

  describe('serveTcp', () => {
    it('decodes requests and encodes replies with the codec: length-prefixed frames, pipelined, in order', async () => {
      const codec = lengthFieldCodec();
      const stats = new ServerStats();
      const port = await listening((onListening) => serveTcp({ port: 0, codec, stats, onListening }, map((body: Uint8Array) => Buffer.from(body).toString('utf8').toUpperCase())).subscribe());
      const { received, closedByServer } = await rawExchange(port, Buffer.concat([frame('abc'), frame(''), frame('xyz')]), 300);
      expect(received).to.deep.equal(Buffer.concat([frame('ABC'), frame(''), frame('XYZ')]));
      expect(closedByServer).to.equal(false);
      expect([stats.requests, stats.replies]).to.deep.equal([3, 3]);
    });

    it('closes that connection alone on a bad length field, after answering the frames before it, and reports the coded error', async () => {
      const errors: unknown[] = [];
      const codec = lengthFieldCodec({ lengthAdjustment: -8 });
      const port = await listening((onListening) =>
        serveTcp({ port: 0, codec, onListening, onConnectionError: (err) => errors.push(err) }, map((body: Uint8Array) => body)).subscribe(),
      );
      const good = Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from('ab')]); // 10 - 8 = 2 bytes of body
      const bad = Buffer.from([0, 0, 0, 1]); // 1 - 8 < 0
      const { received, closedByServer } = await rawExchange(port, Buffer.concat([good, bad]));
      expect(received).to.deep.equal(good);
      expect(closedByServer).to.equal(true);
      expect(errors).to.have.length(1);
      expect(isFramingError(errors[0]) && errors[0].code).to.equal(ERR_RXNET_BAD_LENGTH_FIELD);
    });

    it('fails the connection when the encoder refuses a reply (a line holding a newline), writing nothing of it', async () => {
      const errors: unknown[] = [];
      const stats = new ServerStats();
      const port = await listening((onListening) =>
        serveTcp({ port: 0, codec: lineCodec(), stats, onListening, onConnectionError: (err) => errors.push(err) }, map((line) => `${String(line)}\nsmuggled`)).subscribe(),
      );
      const { received, closedByServer } = await rawExchange(port, Buffer.from('hello\n'));
      expect(received.length).to.equal(0);
      expect(closedByServer).to.equal(true);
      expect(isFramingError(errors[0]) && errors[0].code).to.equal(ERR_RXNET_UNENCODABLE_FRAME);
      expect(stats.errors).to.equal(1);
    });

    it('refuses framing or maxLineLength beside a codec, at once', () => {
      expect(() => serveTcp({ port: 0, codec: lineCodec(), framing: 'chunk' } as never, map((line) => line)))
        .to.throw(RxnetInvalidOptionError, 'Invalid options: framing applies without a codec only (the codec does the framing)');
      expect(() => serveTcp({ port: 0, codec: lineCodec(), maxLineLength: 2048 } as never, map((line) => line))).to.throw(RxnetInvalidOptionError, 'maxLineLength applies without a codec only');
    });
  });

  describe('serveUdp', () => {
    it('decodes each datagram with a fresh decoder: several frames in one datagram get several replies; a truncated one is an error', async () => {
      const errors: unknown[] = [];
      const stats = new ServerStats();
      const codec = lengthFieldCodec();
      const port = await listening((onListening) =>
        serveUdp({ port: 0, codec, stats, onListening, onDatagramError: (err) => errors.push(err) }, map((body: Uint8Array) => `<${Buffer.from(body).toString()}>`)).subscribe(),
      );
      const probe = await openUdpProbe();
      try {
        probe.send(Buffer.concat([frame('a'), frame('bc')]), port);
        probe.send(frame('cut').subarray(0, 5), port);
        const received = await probe.waitFor(2, 2000);
        expect(received).to.deep.equal(['\0\0\0\x03<a>', '\0\0\0\x04<bc>']);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(errors).to.have.length(1);
        expect([stats.requests, stats.errors]).to.deep.equal([2, 1]);
      } finally {
        await probe.close();
      }
    });

    it('refuses maxDatagramSize beside a codec, at once', () => {
      expect(() => serveUdp({ port: 0, codec: lineCodec(), maxDatagramSize: 100 } as never, map((line) => line))).to.throw(RxnetInvalidOptionError, 'maxDatagramSize applies without a codec only');
    });
  });
});
