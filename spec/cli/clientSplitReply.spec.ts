import { expect } from 'chai';
import { runCli } from '../helpers/childProcess.js';
import { startFakeSeedServer, type FakeSeedServer } from '../helpers/fakeSeedServer.js';
import { startSplitReplyServer, type SplitReplyServer } from '../helpers/splitReplyServer.js';

const CLIENT = 'cli/client.js';

describe('node cli/client.js: reply framing (issue 11)', function () {
  this.timeout(15000);
  let server: SplitReplyServer | FakeSeedServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('issue 11: prints 200,42 for *,6,7 when the first reply comes as "200,4", then "2\\n" 50 ms later', async () => {
    const split = await startSplitReplyServer();
    server = split;
    const { code, stdout, stderr } = await runCli(CLIENT, ['--port', String(split.port), '*,6,7', '+,1,1']);
    expect({ code, stdout, stderr }).to.deep.equal({ code: 0, stdout: '200,42\n200,2\n', stderr: '' });
  });

  it('prints no answer from the original seed server without --framing chunk, and says to use it', async () => {
    const seed = await startFakeSeedServer('tcp');
    server = seed;
    const { code, stdout, stderr } = await runCli(CLIENT, ['--port', String(seed.port), '*,6,7']);
    expect(stdout).to.equal('');
    expect(stderr).to.match(
      new RegExp(
        '^rxnet client: no answer to "\\*,6,7" after 1 attempt in \\d+ ms: No newline-terminated reply from ' +
          `tcp://127\\.0\\.0\\.1:${seed.port} \\(session 1\\): "200,42" then nothing for 500 ms ` +
          '\\(an original seed server\\? use framing chunk, --framing chunk on the CLI\\)\\n$',
      ),
    );
    expect(code).to.equal(1);
  });

  it('talks to the original seed server over TCP with --framing chunk', async () => {
    const seed = await startFakeSeedServer('tcp');
    server = seed;
    const { code, stdout, stderr } = await runCli(CLIENT, ['--framing', 'chunk', '--port', String(seed.port)], { input: '+,1,1\n*,6,7\nbad\n' });
    expect({ code, stdout, stderr }).to.deep.equal({ code: 0, stdout: '200,2\n200,42\n300,-1\n', stderr: '' });
    expect(seed.requests).to.deep.equal(['+,1,1', '*,6,7', 'bad']);
  });

  it('accepts --framing line, the default, against a line server', async () => {
    const split = await startSplitReplyServer();
    server = split;
    const { code, stdout, stderr } = await runCli(CLIENT, ['--framing', 'line', '--port', String(split.port), '*,6,7']);
    expect({ code, stdout, stderr }).to.deep.equal({ code: 0, stdout: '200,42\n', stderr: '' });
  });

  for (const [args, message] of [
    [['--framing', 'bytes', '+,1,1'], 'rxnet client: Invalid --framing "bytes" (expected line or chunk)'],
    [['--udp', '--framing', 'chunk', '+,1,1'], 'rxnet client: --framing applies to stream transports only, not --udp'],
    [['--discover', '--framing', 'chunk', '+,1,1'], 'rxnet client: --framing does not apply to --discover (rxnet servers end their replies with a newline)'],
  ] as const) {
    it(`exits 2 with one line for ${args.slice(0, -1).join(' ')}`, async () => {
      const { code, stdout, stderr } = await runCli(CLIENT, args);
      expect({ code, stdout, stderr }).to.deep.equal({ code: 2, stdout: '', stderr: `${message}\n` });
    });
  }
});
