import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { LoadResult } from '../../bench/load/LoadOptions.js';
import { mixedRequest } from '../../bench/load/requestMix.js';
import { answer, startPlainNodeServer } from '../../bench/plainNodeServer.js';
import { buildNativeGenerator, type NativeGenerator } from '../../bench/run/nativeGenerator.js';
import type { BenchServer } from '../../bench/serverProcess.js';
import { requireSystemTool } from '../helpers/requireSystemTool.js';

interface Run {
  readonly code: number | null;
  readonly stderr: string;
  readonly result: LoadResult | undefined;
}

/** Runs the native generator to completion (killed after 10 s) and parses its JSON line. */
function calcload(native: NativeGenerator, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(native.binary, ['--mix', native.mixFile, ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      const line = stdout.trim().split('\n').pop() ?? '';
      resolve({ code, stderr, result: line.startsWith('{') ? (JSON.parse(line) as LoadResult) : undefined });
    });
  });
}

const common = (port: number, transport: 'tcp' | 'udp'): string[] => [`--${transport}`, '--host', '127.0.0.1', '--port', String(port), '--seconds', '2', '--timeout-ms', '300'];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('native load generator (bench/native/calcload.c)', function () {
  // Compiling takes about a second; on a busy machine, more.
  this.timeout(30_000);
  let native: NativeGenerator;
  let server: BenchServer | undefined;

  before(() => {
    requireSystemTool('cc', 'gcc');
    const built = buildNativeGenerator();
    if (!built.ok) throw new Error(built.reason);
    native = built;
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('verifies every pipelined TCP reply and stops at the request count', async () => {
    server = await startPlainNodeServer({ transport: 'tcp', host: '127.0.0.1', port: 0, maxLineLength: 4096 });
    const run = await calcload(native, [...common(server.address.port, 'tcp'), '--connections', '3', '--window', '8', '--requests', '5000', '--server-pids', String(process.pid)]);
    expect(run.code).to.equal(0);
    expect(run.result).to.include({ generator: 'native', transport: 'tcp', sent: 5000, verified: 5000, mismatches: 0, unanswered: 0, errors: 0, lost: 0 });
    expect(run.result?.latency.samples).to.equal(5000);
    expect(run.result?.serverCpuPercent).to.be.a('number');
  });

  it('verifies every UDP reply with several requests in flight per socket and counts nothing lost', async () => {
    server = await startPlainNodeServer({ transport: 'udp', host: '127.0.0.1', port: 0, maxLineLength: 4096 });
    const run = await calcload(native, [...common(server.address.port, 'udp'), '--connections', '2', '--window', '4', '--requests', '2000']);
    expect(run.result).to.include({ transport: 'udp', sent: 2000, verified: 2000, mismatches: 0, lost: 0, late: 0 });
    expect(run.result?.serverCpuPercent).to.equal(null);
  });

  it('counts every wrong TCP reply as a mismatch', async () => {
    const wrong = createServer((socket) => socket.on('data', (chunk: Buffer) => socket.write('200,0\n'.repeat(chunk.toString('latin1').split('\n').length - 1))));
    const port = await listen(wrong);
    try {
      const run = await calcload(native, [...common(port, 'tcp'), '--connections', '1', '--window', '4', '--requests', '400']);
      // The few requests whose answer is 200,0 (`%,28, 7`, `*,0,-1`...) are the ones it gets right.
      const right = Array.from({ length: 400 }, (_, k) => mixedRequest(k)).filter((r) => r.expected === '200,0').length;
      expect(right).to.be.within(1, 20);
      expect(run.code).to.equal(1);
      expect(run.result).to.include({ sent: 400, verified: right, mismatches: 400 - right });
    } finally {
      await new Promise<void>((resolve) => wrong.close(() => resolve()));
    }
  });

  it('counts a UDP request whose reply was overtaken as lost at once, and the others verified', async () => {
    const lossy = createSocket('udp4');
    let seen = 0;
    lossy.on('message', (message, from) => {
      seen += 1;
      if (seen % 3 !== 0) lossy.send(`${answer(message.toString('latin1').replace(/\r?\n$/, ''))}\n`, from.port, from.address);
    });
    await new Promise<void>((resolve) => lossy.bind(0, '127.0.0.1', resolve));
    try {
      const run = await calcload(native, [...common(lossy.address().port, 'udp'), '--connections', '2', '--window', '8', '--requests', '900']);
      expect(run.result).to.include({ sent: 900, mismatches: 0, late: 0 });
      expect(run.result?.lost).to.equal(300);
      expect(run.result?.verified).to.equal(600);
    } finally {
      await new Promise<void>((resolve) => lossy.close(() => resolve()));
    }
  });

  it('counts a TCP server that never answers as unanswered, within the time bound', async () => {
    const silent = createServer((socket) => socket.resume());
    const port = await listen(silent);
    try {
      const run = await calcload(native, ['--tcp', '--port', String(port), '--connections', '2', '--window', '3', '--seconds', '0.1', '--timeout-ms', '50']);
      expect(run.code).to.equal(1);
      expect(run.result).to.include({ sent: 6, verified: 0, unanswered: 6 });
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('paces an open-loop run at the offered rate', async () => {
    server = await startPlainNodeServer({ transport: 'tcp', host: '127.0.0.1', port: 0, maxLineLength: 4096 });
    const run = await calcload(native, ['--tcp', '--port', String(server.address.port), '--connections', '4', '--window', '64', '--rate', '5000', '--seconds', '0.2', '--requests', '100000']);
    expect(run.result?.mismatches).to.equal(0);
    // 5000/s for 0.2 s is 1000; a closed loop would send tens of thousands. The lower bound
    // leaves room for a busy machine delaying the last turns of the loop.
    expect(run.result?.sent).to.be.within(500, 1000);
    expect(run.result?.verified).to.equal(run.result?.sent);
  });

  it('refuses an address outside loopback with one line and exit code 2', async () => {
    for (const host of ['10.0.0.1', '192.168.1.1', '::2', 'example.com']) {
      const run = await calcload(native, ['--tcp', '--host', host, '--port', '9']);
      expect(run.code, host).to.equal(2);
      expect(run.result, host).to.equal(undefined);
      expect(run.stderr, host).to.match(/^calcload: (Refusing|Invalid) --host "[^"]+" \(.*loopback.*\)\n$/);
    }
  });

  it('names a bad flag in one line with exit code 2', async () => {
    const run = await calcload(native, ['--tcp', '--port', '9', '--window', '0']);
    expect(run).to.include({ code: 2 });
    expect(run.stderr).to.equal('calcload: Invalid --window "0" (expected a number 1-4096)\n');
  });

  describe('buildNativeGenerator', () => {
    it('says in one line that there is no C compiler instead of throwing', () => {
      const dir = mkdtempSync(join(tmpdir(), 'rxnet-calcload-'));
      try {
        const built = buildNativeGenerator({ cc: 'rxnet-no-such-cc', outDir: dir });
        expect(built).to.deep.equal({ ok: false, reason: 'no C compiler ("rxnet-no-such-cc" not found), so no native load generator: install gcc (apt-get install gcc)' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('does not rebuild a binary newer than its source', () => {
      expect(buildNativeGenerator()).to.include({ ok: true, built: false });
    });
  });
});
