import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCli } from '../helpers/childProcess.js';
import { requireSystemTool } from '../helpers/requireSystemTool.js';
import { EXAMPLES_DIR } from './runExample.js';

const run = promisify(execFile);

/** Sends raw bytes, reads until `length` bytes came back. */
function raw(port: number, payload: Buffer, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(payload));
    let got = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= length) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('error', reject);
  });
}

describe('examples/respServer: a Redis-protocol server in about a hundred lines (issue 13)', function () {
  this.timeout(30000);

  let server: Awaited<ReturnType<typeof startCli>>;
  before(async () => {
    server = await startCli(join(EXAMPLES_DIR, 'respServer.js'), ['--port', '0']);
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it('prints its ready line and answers the real redis-cli: PING, SET, GET, INCR, EXISTS, DEL, ECHO, an unknown command', async () => {
    requireSystemTool('redis-cli', 'redis-tools');
    expect(server.readyLine).to.match(/^listening tcp 127\.0\.0\.1:\d+$/);
    const cli = async (...args: string[]): Promise<string> => (await run('redis-cli', ['-p', String(server.port), ...args])).stdout.trim();
    expect(await cli('PING')).to.equal('PONG');
    expect(await cli('SET', 'greeting', 'hello world')).to.equal('OK');
    expect(await cli('GET', 'greeting')).to.equal('hello world');
    expect(await cli('GET', 'missing')).to.equal('');
    expect(await cli('INCR', 'counter')).to.equal('1');
    expect(await cli('INCR', 'counter')).to.equal('2');
    expect(await cli('INCR', 'greeting')).to.equal('ERR value is not an integer or out of range');
    expect(await cli('EXISTS', 'greeting', 'counter', 'missing')).to.equal('2');
    expect(await cli('DEL', 'greeting', 'missing')).to.equal('1');
    expect(await cli('ECHO', 'hi')).to.equal('hi');
    expect(await cli('FLUSHALL')).to.match(/^ERR unknown command 'flushall'/);
  });

  it('is binary-safe and answers inline and multibulk requests pipelined in one write, in order', async () => {
    const value = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80]);
    const payload = Buffer.concat([
      Buffer.from('PING\r\n*3\r\n$3\r\nSET\r\n$3\r\nbin\r\n$5\r\n'),
      value,
      Buffer.from('\r\n*2\r\n$3\r\nGET\r\n$3\r\nbin\r\n'),
    ]);
    const expected = Buffer.concat([Buffer.from('+PONG\r\n+OK\r\n$5\r\n'), value, Buffer.from('\r\n')]);
    expect(await raw(server.port, payload, expected.length)).to.deep.equal(expected);
  });

  it('answers a malformed request with one error and closes that connection', async () => {
    const reply = await raw(server.port, Buffer.from('*1\r\n$x\r\n'), 10);
    expect(reply.toString()).to.match(/^-ERR Protocol error: invalid length "x"\r\n$/);
  });

  it('serves redis-benchmark -t set,get -P 16 with every request answered', async () => {
    requireSystemTool('redis-benchmark', 'redis-tools');
    const { stdout } = await run('redis-benchmark', ['-p', String(server.port), '-t', 'set,get', '-n', '20000', '-P', '16', '-q'], { timeout: 25000 });
    const rates = [...stdout.replace(/\r/g, '\n').matchAll(/^(SET|GET): ([\d.]+) requests per second/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rates.map(([name]) => name)).to.deep.equal(['SET', 'GET']);
    for (const [, rate] of rates) expect(rate).to.be.greaterThan(0);
  });
});
