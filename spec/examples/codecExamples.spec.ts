import { expect } from 'chai';
import { rawExchange } from '../helpers/rawTcp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';
import { runExample, startExample, type ExampleRun } from './runExample.js';

/** A frame of the length-prefixed example: a 4-byte big-endian length, then the body. */
const frame = (body: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);

describe('examples/ built on codecs (issue 13)', function () {
  this.timeout(10000);

  async function demo(name: string): Promise<ExampleRun> {
    const run = await runExample(name, ['--demo']);
    expect(run.stderr, `${name} --demo wrote to stderr`).to.equal('');
    expect(run.code, `${name} --demo exit code; stdout:\n${run.stdout}`).to.equal(0);
    return run;
  }

  describe('lengthPrefixed', () => {
    it('--demo sends binary bodies, the empty one included, and gets each back reversed, then exits 0', async () => {
      const { stdout } = await demo('lengthPrefixed');
      expect(stdout.split('\n')).to.deep.equal(['68656c6c6f -> 6f6c6c6568', '72786e6574 -> 74656e7872', '000102ff -> ff020100', '(empty) -> (empty)', '']);
    });

    it('serves pipelined frames split anywhere, and closes a connection whose length field is over the maximum', async () => {
      const server = await startExample('lengthPrefixed', ['--port', '0']);
      try {
        expect(server.readyLine).to.match(/^listening tcp 127\.0\.0\.1:\d+$/);
        const two = Buffer.concat([frame(Buffer.from('abc')), frame(Buffer.from([1, 2]))]);
        const answered = await rawExchange(server.port, two, 300);
        expect(answered.received).to.deep.equal(Buffer.concat([frame(Buffer.from('cba')), frame(Buffer.from([2, 1]))]));
        const huge = await rawExchange(server.port, Buffer.from([0x7f, 0xff, 0xff, 0xff, 0x61]));
        expect(huge).to.deep.equal({ received: Buffer.alloc(0), closedByServer: true });
      } finally {
        expect(await server.stop()).to.deep.equal({ code: 0, signal: null });
      }
    });
  });

  describe('codecServer (the README snippet)', () => {
    it('serves the length-prefixed protocol on PORT in about ten lines', async () => {
      const server = await startExample('codecServer', [], { env: { PORT: '0' } });
      try {
        const { received } = await rawExchange(server.port, Buffer.concat([frame(Buffer.from('ten')), frame(Buffer.from('lines'))]), 300);
        expect(received).to.deep.equal(Buffer.concat([frame(Buffer.from('net')), frame(Buffer.from('senil'))]));
      } finally {
        await server.stop();
      }
    });
  });

  describe('jsonLines', () => {
    it('--demo answers by order over TCP and by id over UDP, where the slow request is answered last', async () => {
      const { stdout } = await demo('jsonLines');
      const replies = ['{"id":1,"result":100}', '{"id":2,"result":3}', '{"id":3,"result":42}', '{"id":4,"error":"unknown method \\"nope\\""}'];
      expect(stdout.split('\n')).to.deep.equal([
        ...replies.map((reply) => `tcp ${reply}`),
        'tcp replies arrived for ids 1,2,3,4',
        ...replies.map((reply) => `udp ${reply}`),
        'udp replies arrived for ids 2,3,4,1',
        '',
      ]);
    });

    it('serves JSON lines over UDP by default with --udp, one reply per datagram line, and answers non-JSON', async () => {
      const server = await startExample('jsonLines', ['--port', '0', '--udp']);
      const probe = await openUdpProbe();
      try {
        expect(server.readyLine).to.match(/^listening udp 127\.0\.0\.1:\d+$/);
        probe.send('{"id":7,"method":"add","params":[2,3]}\n{"id":8,"method":"echo","params":["x"]}', server.port);
        probe.send('hello', server.port);
        const received = await probe.waitFor(3, 3000);
        expect([...received].sort()).to.deep.equal(['{"id":7,"result":5}\n', '{"id":8,"result":["x"]}\n', '{"id":null,"error":"not a request"}\n'].sort());
      } finally {
        await probe.close();
        expect(await server.stop()).to.deep.equal({ code: 0, signal: null });
      }
    });
  });
});
