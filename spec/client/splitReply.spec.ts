import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { RxnetConnectionError, RxnetInvalidOptionError, isTransientError } from '../../lib/errors.js';
import { createCalcClient } from '../../lib/calc/client/calcClient.js';
import { createTcpClient } from '../../lib/client/tcpClient.js';
import { startFakeSeedServer, type FakeSeedServer } from '../helpers/fakeSeedServer.js';
import { startSplitReplyServer, type SplitReplyServer } from '../helpers/splitReplyServer.js';

/** Settles `promise` into a value or the error it rejected with. */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

describe('reply framing over real sockets (issue 11)', () => {
  let server: SplitReplyServer | FakeSeedServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe('against a line server whose first reply is split', () => {
    it('issue 11: createTcpClient answers "200,42" when the first reply comes as "200,4", then "2\\n" 50 ms later', async () => {
      const split = await startSplitReplyServer();
      server = split;
      await using client = createTcpClient({ port: split.port });
      expect(await firstValueFrom(client.request('*,6,7'))).to.equal('200,42');
      expect(await firstValueFrom(client.request('+,100,23'))).to.equal('200,123');
      expect(split.requests).to.deep.equal(['*,6,7', '+,100,23']);
    });

    it('issue 11: createCalcClient answers "200,42" when the first reply comes as "200,4", then "2\\n" 50 ms later', async () => {
      const split = await startSplitReplyServer();
      server = split;
      await using client = createCalcClient({ port: split.port, retry: { initial: 2000, retry: false } });
      expect(await firstValueFrom(client.request('*,6,7'))).to.deep.equal({ code: 200, value: 42, text: '200,42' });
    });

    it('issue 11: answers 40 requests right over 4 sessions, every reply split after 5 bytes by a 30 ms pause', async () => {
      const split = await startSplitReplyServer({ pauseMs: 30 });
      server = split;
      await using client = createCalcClient({ port: split.port, tcp: { sessions: 4 }, retry: { initial: 3000, retry: false } });
      const lines = Array.from({ length: 40 }, (_, i) => `*,${i + 10},7`);
      const replies = await Promise.all(lines.map((line) => firstValueFrom(client.request(line))));
      expect(replies.map((reply) => reply.value)).to.deep.equal(lines.map((_, i) => (i + 10) * 7));
    });
  });

  describe('against the original seed server (no newline in replies)', () => {
    it("answers with framing 'chunk', through createTcpClient", async () => {
      const seed = await startFakeSeedServer('tcp');
      server = seed;
      await using client = createTcpClient({ port: seed.port, framing: 'chunk' });
      const replies = [];
      for (const line of ['+,1,1', '*,6,7', 'nope', '-,5,3']) replies.push(await firstValueFrom(client.request(line)));
      expect(replies).to.deep.equal(['200,2', '200,42', '300,-1', '200,2']);
      expect(seed.requests).to.deep.equal(['+,1,1', '*,6,7', 'nope', '-,5,3']);
    });

    it("answers with tcp: { framing: 'chunk' }, through createCalcClient", async () => {
      const seed = await startFakeSeedServer('tcp');
      server = seed;
      await using client = createCalcClient({ port: seed.port, tcp: { framing: 'chunk' }, retry: { initial: 1000, retry: false } });
      expect((await firstValueFrom(client.request('*,6,7'))).text).to.equal('200,42');
      expect((await firstValueFrom(client.request('/,1,0'))).text).to.equal('300,-1');
    });

    it('never takes its reply by default: the request fails after the stall with an error that suggests chunk framing', async () => {
      const seed = await startFakeSeedServer('tcp');
      server = seed;
      await using client = createCalcClient({ port: seed.port, retry: { initial: 3000, retry: false } });
      const { value, error } = await settle(firstValueFrom(client.request('*,6,7')));
      expect(value).to.equal(undefined);
      expect(error).to.be.an.instanceOf(RxnetConnectionError);
      expect((error as RxnetConnectionError).code).to.equal('ERR_RXNET_CONNECTION');
      expect((error as Error).message).to.equal(
        `No newline-terminated reply from tcp://127.0.0.1:${seed.port} (session 1): "200,42" then nothing for 500 ms (an original seed server? use framing chunk, --framing chunk on the CLI)`,
      );
      expect((error as RxnetConnectionError).info).to.deep.equal({ address: `tcp://127.0.0.1:${seed.port}` });
      expect(isTransientError(error)).to.equal(true);
    });
  });

  describe('options', () => {
    it("refuses framing 'chunk' with replyGap 0 at construction", () => {
      expect(() => createTcpClient({ framing: 'chunk', replyGap: 0 }))
        .to.throw(RxnetInvalidOptionError)
        .with.property('message', 'Invalid options: framing chunk needs a replyGap above 0');
    });

    it('names a bad framing and what it allows', () => {
      expect(() => createTcpClient({ framing: 'bytes' as never }))
        .to.throw(RxnetInvalidOptionError)
        .with.property('message', 'Invalid framing "bytes" (expected line or chunk)');
      expect(() => createCalcClient({ tcp: { framing: 'bytes' as never } }))
        .to.throw(RxnetInvalidOptionError)
        .with.property('message', 'Invalid tcp.framing "bytes" (expected line or chunk)');
    });
  });
});
