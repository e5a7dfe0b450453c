import { expect } from 'chai';
import { withBinLink } from '../helpers/binLink.js';
import { runCli, startCli } from '../helpers/childProcess.js';
import { exchange } from '../helpers/rawTcp.js';
import { runInNetworkNamespace } from '../discovery/runInNetworkNamespace.js';

const RXNET = 'cli/rxnet.js';

describe('node cli/rxnet.js', function () {
  this.timeout(15000);

  it('runs the server with the same flags and ready line as cli/server.js', async () => {
    const server = await startCli(RXNET, ['server', '--port', '0']);
    try {
      expect(server.readyLine).to.match(/^listening tcp 127\.0\.0\.1:\d+$/);
      expect(await exchange(server.port, '*,6,7\n', 1)).to.deep.equal(['200,42']);
    } finally {
      server.kill();
    }
  });

  it('runs the client against it', async () => {
    const server = await startCli(RXNET, ['server', '--port', '0']);
    try {
      const result = await runCli(RXNET, ['client', '--port', String(server.port), '+,1,1', '/,1,0']);
      expect(result).to.include({ code: 0, stdout: '200,2\n300,-1\n' });
    } finally {
      server.kill();
    }
  });

  it("shares each command's messages and exit codes", async () => {
    const server = await runCli(RXNET, ['server', '--port', 'abc']);
    expect(server).to.include({ code: 2, stderr: 'rxnet server: Invalid --port "abc" (expected an integer 0-65535)\n' });
    const discover = await runCli(RXNET, ['discover', '--mx', '9']);
    expect(discover).to.include({ code: 2, stderr: 'rxnet discover: Invalid --mx "9" (expected an integer number of seconds 1-5)\n' });
  });

  it('prints its usage with --help and exits 2 on a missing or unknown command', async () => {
    const help = await runCli(RXNET, ['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/^Usage: node cli\/rxnet\.js <command>/);
    expect(await runCli(RXNET, ['bogus'])).to.include({ code: 2, stderr: 'rxnet: Unknown command "bogus" (expected server, client, discover, proxy or help)\n' });
    expect((await runCli(RXNET, [])).code).to.equal(2);
  });

  describe('issue 10: help and --version', () => {
    it('issue 10: "help" lists the commands, and "help COMMAND" prints that command\'s usage, named as started', async () => {
      const [list, server, client, discover, unknown] = await Promise.all([
        runCli(RXNET, ['help']),
        runCli(RXNET, ['help', 'server']),
        runCli(RXNET, ['help', 'client']),
        runCli(RXNET, ['help', 'discover']),
        runCli(RXNET, ['help', 'bogus']),
      ]);
      expect(list.code).to.equal(0);
      expect(list.stdout).to.match(/^Usage: node cli\/rxnet\.js <command> \[flags\]\n {7}node cli\/rxnet\.js help \[command\]\n/);
      expect(list.stdout).to.match(/^ {2}help {7}print this list, or with a command its usage/m);
      expect(server).to.include({ code: 0, stderr: '' });
      expect(server.stdout).to.match(/^Usage: node cli\/rxnet\.js server \[--tcp/);
      expect(client.stdout).to.match(/^Usage: node cli\/rxnet\.js client \[--tcp[^\n]*\n {7}node cli\/rxnet\.js client --discover/);
      expect(discover.stdout).to.match(/^Usage: node cli\/rxnet\.js discover \[--mx SECONDS\]/);
      expect(unknown).to.include({ code: 2, stdout: '', stderr: 'rxnet: Unknown command "bogus" (expected server, client, discover, proxy or help)\n' });
    });

    it('issue 10: "server --help" names the command as started: node cli/rxnet.js server, or rxnet server through an npm bin link', async () => {
      const [asScript, asBin, helpAsBin] = await Promise.all([
        runCli(RXNET, ['server', '--help']),
        withBinLink(RXNET, 'rxnet', (bin) => runCli(bin, ['server', '--help'])),
        withBinLink(RXNET, 'rxnet', (bin) => runCli(bin, ['help', 'client'])),
      ]);
      expect(asScript.stdout).to.match(/^Usage: node cli\/rxnet\.js server \[--tcp/);
      expect(asBin.stdout).to.match(/^Usage: rxnet server \[--tcp/);
      expect(helpAsBin.stdout).to.match(/^Usage: rxnet client \[--tcp/);
    });

    it("issue 10: every command prints package.json's version with --version and exits 0", async () => {
      const { readFileSync } = await import('node:fs');
      const { ROOT } = await import('../helpers/childProcess.js');
      const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
      const runs = await Promise.all([[], ['server'], ['client'], ['discover']].map((command) => runCli(RXNET, [...command, '--version'])));
      for (const run of runs) expect(run).to.include({ code: 0, stdout: `${version}\n`, stderr: '' });
    });
  });

  it('discovers servers started with --announce, inside a network namespace of its own', async () => {
    const { stdout } = await runInNetworkNamespace('dist/spec/cli/fixtures/announceAndDiscover.js', [], { timeoutMs: 14000 });
    const result = JSON.parse(stdout) as {
      ready: [string, string];
      found: { code: number; stdout: string };
      answer: { code: number; stdout: string };
      exits: [number, number];
      none: { code: number; stderr: string };
    };
    const locations = result.ready.map((line) => line.replace(/^listening (tcp|udp) /, '$1://')).sort();
    expect(result.found.code).to.equal(0);
    expect(result.found.stdout.trim().split('\n').sort()).to.deep.equal(locations);
    expect(result.answer).to.include({ code: 0, stdout: '200,42\n' });
    expect(result.exits).to.deep.equal([0, 0]);
    // After their byebye, nobody answers.
    expect(result.none).to.include({ code: 1, stderr: 'rxnet discover: no server answered within 2 s\n' });
  });
});
