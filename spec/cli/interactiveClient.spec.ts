import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { parseClientArgs, type ClientRequest } from '../../cli/src/clientCommand.js';
import { runClient } from '../../cli/src/runClient.js';
import { startServer, type RunningServer } from '../../lib/index.js';
import { ROOT } from '../helpers/childProcess.js';
import { requireSystemTool } from '../helpers/requireSystemTool.js';

const CLIENT = 'cli/client.js';

/** The client command's parsed flags (never --help here). */
function parsed(argv: readonly string[]): Extract<ClientRequest, { help: false }> {
  const request = parseClientArgs(argv);
  if (request.help) throw new Error('unexpected --help');
  return request;
}

/** The terminal's output without its control sequences (cursor moves, line clears). */
function plain(output: string): string {
  // eslint-disable-next-line no-control-regex
  return output.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

/** `node cli/client.js ARGS` on a pseudo-terminal (util-linux `script`), typed into by the test. */
interface TerminalSession {
  /** Everything the terminal showed so far (stdout and stderr), control sequences removed. */
  screen(): string;
  /** Types `keys` (`\r` is Enter, `\x04` Ctrl-D, `\x03` Ctrl-C). */
  type(keys: string): void;
  /** Waits until the screen matches (at most `ms`, then fails with what it shows). */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** The client's exit code (script -e passes it on). */
  readonly exited: Promise<number | null>;
  /** Kills script (and so the client) if it still runs. */
  kill(): void;
}

function onTerminal(args: readonly string[]): TerminalSession {
  const command = [process.execPath, CLIENT, ...args].join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    screen: () => plain(output),
    type: (keys) => child.stdin.write(keys),
    waitFor: async (pattern, ms = 5000) => {
      for (let waited = 0; !pattern.test(plain(output)) && waited < ms; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(plain(output)).to.match(pattern);
    },
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

describe('node cli/client.js on a terminal (interactive)', function () {
  this.timeout(15000);
  let server: RunningServer | undefined;
  let session: TerminalSession | undefined;

  before(() => requireSystemTool('script', 'bsdutils'));
  afterEach(async () => {
    session?.kill();
    await session?.exited;
    await server?.close();
    session = undefined;
    server = undefined;
  });

  it('issue 10: says which server it talks to before the first prompt', async () => {
    server = await startServer({ port: 0 });
    session = onTerminal(['--port', String(server.address.port)]);
    await session.waitFor(/> $/);
    expect(session.screen()).to.equal(`connected to tcp://127.0.0.1:${server.address.port}\r\n> `);
    session.type('\x04');
    expect(await session.exited).to.equal(0);
  });

  it('issue 10: ends the prompt line on Ctrl-D, so the shell prompt starts on its own line, and exits 0', async () => {
    server = await startServer({ port: 0 });
    session = onTerminal(['--port', String(server.address.port)]);
    await session.waitFor(/> $/);
    session.type('*,6,7\r');
    await session.waitFor(/200,42\r\n> $/);
    session.type('\x04');
    expect(await session.exited).to.equal(0);
    expect(session.screen()).to.match(/200,42\r\n> \r\n$/);
  });

  it('issue 10: ends the line on Ctrl-C, even with a request half typed, and exits 130', async () => {
    server = await startServer({ port: 0 });
    session = onTerminal(['--port', String(server.address.port)]);
    await session.waitFor(/> $/);
    session.type('+,1');
    await session.waitFor(/> \+,1$/);
    session.type('\x03');
    expect(await session.exited).to.equal(130);
    expect(session.screen()).to.match(/> \+,1\r\n$/);
  });

  it('issue 10: keeps the session when the server goes away: that request fails, the next is answered once the server is back', async () => {
    server = await startServer({ port: 0 });
    const { port } = server.address;
    session = onTerminal(['--port', String(port)]);
    await session.waitFor(/> $/);
    session.type('+,1,1\r');
    await session.waitFor(/200,2\r\n> $/);
    await server.close();
    session.type('+,2,2\r');
    await session.waitFor(/rxnet client: no answer to "\+,2,2"[^\n]*ECONNREFUSED\r\n> $/);
    server = await startServer({ port }); // the server is back, on the same port
    session.type('*,2,3\r');
    await session.waitFor(/200,6\r\n> $/);
    session.type('\x04');
    expect(await session.exited, 'one request was not answered').to.equal(1);
  });
});

describe('runClient, interactive', () => {
  it('issue 10: goes on after a UDP server that is gone (ECONNREFUSED), and is answered once one listens there', async () => {
    // A port with nothing on it: bind a UDP socket for a free port, then close it.
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const { port } = probe.address();
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const out: string[] = [];
    const err: string[] = [];
    let server: RunningServer | undefined;
    async function* typed(): AsyncGenerator<string> {
      yield '+,1,1';
      server = await startServer({ transport: 'udp', port });
      yield '+,2,2';
    }
    try {
      const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
      const code = await runClient(parsed(['--udp', '--port', String(port), '--timeout', '0.5']), typed(), io, { interactive: true });
      expect(err[0]).to.equal(`sending to udp://127.0.0.1:${port}`);
      expect(err[1]).to.match(/^rxnet client: no answer to "\+,1,1" after 1 attempt in \d+ ms: .*ECONNREFUSED/);
      expect(out).to.deep.equal(['200,4']);
      expect(code).to.equal(1);
    } finally {
      await server?.close();
    }
  });
});
