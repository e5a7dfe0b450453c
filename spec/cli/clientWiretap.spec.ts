import { expect } from 'chai';
import { startServer } from '../../lib/calc/server/startServer.js';
import { parseClientArgs } from '../../cli/src/clientCommand.js';
import { runCli } from '../helpers/childProcess.js';

const CLIENT = 'cli/client.js';

/** The wiretap entries of a stderr: each a header line (ISO time, direction, peer, length) and its lines, the time dropped. */
function entries(stderr: string): string[] {
  return stderr
    .split(/^(?=\d{4}-\d\d-\d\dT\S+Z (?:in|out) )/m)
    .filter((entry) => entry !== '')
    .map((entry) => entry.replace(/^\S+ /, '').replace(/\n$/, ''));
}

describe('node cli/client.js --wiretap (issue 15)', function () {
  this.timeout(15000);

  it('logs a TCP request\'s bytes as out and its reply\'s as in, with the server and the length, in text', async () => {
    await using server = await startServer({ transport: 'tcp', port: 0 });
    const port = server.address.port;
    const { code, stdout, stderr } = await runCli(CLIENT, ['--port', String(port), '--wiretap', 'text', '+,1,1', '*,6,7']);
    expect({ code, stdout }).to.deep.equal({ code: 0, stdout: '200,2\n200,42\n' });
    expect(stderr).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z out /);
    expect(entries(stderr)).to.deep.equal([
      `out 127.0.0.1:${port} 6 B\n+,1,1\\n`,
      `in 127.0.0.1:${port} 6 B\n200,2\\n`,
      `out 127.0.0.1:${port} 6 B\n*,6,7\\n`,
      `in 127.0.0.1:${port} 7 B\n200,42\\n`,
    ]);
  });

  it('logs a UDP datagram and its reply in hexdump -C form', async () => {
    await using server = await startServer({ transport: 'udp', port: 0 });
    const port = server.address.port;
    const { code, stdout, stderr } = await runCli(CLIENT, ['--udp', '--port', String(port), '--wiretap', 'hex', '+,2,2']);
    expect({ code, stdout }).to.deep.equal({ code: 0, stdout: '200,4\n' });
    expect(entries(stderr)).to.deep.equal([
      `out 127.0.0.1:${port} 5 B\n00000000  2b 2c 32 2c 32                                    |+,2,2|\n00000005`,
      `in 127.0.0.1:${port} 6 B\n00000000  32 30 30 2c 34 0a                                 |200,4.|\n00000006`,
    ]);
  });

  it('logs nothing without --wiretap, and adds nothing to the options', async () => {
    await using server = await startServer({ transport: 'tcp', port: 0 });
    const { code, stderr } = await runCli(CLIENT, ['--port', String(server.address.port), '+,1,1']);
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
    const parsed = parseClientArgs(['+,1,1']);
    expect(parsed).to.include({ help: false, wiretap: undefined });
    expect(parsed.help === false && 'wiretap' in parsed.options).to.equal(false);
  });

  it('documents --wiretap in the usage; another value exits 2 with one line', async () => {
    const usage = await runCli(CLIENT, ['--help']);
    expect(usage.stdout).to.include('[--wiretap text|hex]');
    expect(usage.stdout).to.include('--wiretap text|hex     log the bytes of every connection or datagram on stderr (time, direction,');
    const bad = await runCli(CLIENT, ['--wiretap', 'binary', '+,1,1']);
    expect({ code: bad.code, stdout: bad.stdout, stderr: bad.stderr }).to.deep.equal({
      code: 2,
      stdout: '',
      stderr: 'rxnet client: Invalid --wiretap "binary" (expected text or hex)\n',
    });
  });
});
