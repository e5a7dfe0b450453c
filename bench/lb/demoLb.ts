/**
 * `npm run demo:lb`: two rxnet servers behind nginx's stream module on loopback, TCP and UDP.
 *
 * 1. Installs nginx and its stream module from Debian's packages if missing (needs root).
 * 2. Starts four rxnet processes with --verbose (TCP and UDP, backends A and B), on free ports.
 * 3. Runs nginx as a child with docs/nginx-stream.conf (ports and paths replaced), in a temp dir.
 * 4. Sends verified requests through nginx over TCP (several connections) and UDP (datagrams),
 *    then shows how many replies each backend logged: both must have answered on both transports.
 * 5. Stops nginx and the servers by PID and removes the temp dir. Exit 0 when all of that held.
 *
 * Not part of `npm test`: it installs packages and runs nginx.
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mixedRequest } from '../load/requestMix.js';
import { startChild, stopChild, stopAllChildren } from '../run/children.js';
import { REPO_ROOT, startServer, type StartedServer } from '../run/servers.js';
import { renderNginxConfig } from './nginxConfig.js';

const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const TCP_CONNECTIONS = 8;
const REQUESTS_PER_CONNECTION = 25;
const UDP_DATAGRAMS = 40;

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function run(command: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** nginx -V output, or undefined when nginx is not installed. */
function nginxBuild(): string | undefined {
  const result = run('nginx', ['-V']);
  return result.status === 0 ? result.output : undefined;
}

/** Makes sure nginx with the stream module is installed; returns the module path to load, or undefined if built in. */
function ensureNginx(): string | undefined {
  let build = nginxBuild();
  const needsModule = (b: string): boolean => /--with-stream=dynamic/.test(b) && !existsSync(STREAM_MODULE);
  if (build === undefined || needsModule(build)) {
    const packages = ['nginx', 'libnginx-mod-stream'];
    if (process.getuid?.() !== 0) throw new Error(`nginx with the stream module is missing; install it with: sudo apt-get install -y ${packages.join(' ')}`);
    const policy = run('apt-cache', ['policy', ...packages]).output;
    log(`installing ${packages.join(' ')} from Debian's packages (apt-cache policy:)\n${policy.trim()}`);
    if (/Candidate: \(none\)/.test(policy) || !/Candidate:/.test(policy)) {
      const update = run('apt-get', ['update']);
      if (update.status !== 0) throw new Error(`apt-get update failed:\n${update.output}`);
    }
    const install = run('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
    if (install.status !== 0) throw new Error(`apt-get install failed:\n${install.output}`);
    build = nginxBuild();
    if (build === undefined) throw new Error('nginx is still not runnable after apt-get install');
  }
  if (!/--with-stream\b/.test(build)) throw new Error('this nginx was built without the stream module');
  log(`nginx: ${/nginx version: (\S+)/.exec(build)?.[1] ?? 'unknown version'}, stream module ${/--with-stream=dynamic/.test(build) ? `dynamic (${STREAM_MODULE})` : 'built in'}`);
  return /--with-stream=dynamic/.test(build) ? STREAM_MODULE : undefined;
}

/** A port free for both TCP and UDP on 127.0.0.1 right now (bounded attempts). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const server = createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    const udp = createSocket('udp4');
    const udpFree = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    udp.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (udpFree) return port;
  }
  throw new Error('no port free for both TCP and UDP');
}

/** Waits until something accepts TCP connections on the port (bounded). */
async function waitForTcp(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** One TCP connection through nginx: pipelines `count` mixed requests, checks every reply in order. */
function tcpSession(port: number, first: number, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const expected = Array.from({ length: count }, (_, i) => mixedRequest(first + i));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('TCP replies through nginx timed out'));
    }, 5000);
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      received += text;
      const lines = received.split('\n');
      if (lines.length - 1 < count) return;
      clearTimeout(timer);
      socket.end();
      const bad = expected.filter((request, i) => lines[i] !== request.expected).length;
      if (bad > 0) reject(new Error(`${bad} wrong TCP replies through nginx`));
      else resolve(count);
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.write(expected.map((r) => `${r.text}\n`).join(''));
  });
}

/** Datagrams through nginx, one at a time from one client socket, each reply checked. */
async function udpRequests(port: number, count: number): Promise<number> {
  const socket = createSocket('udp4');
  try {
    let ok = 0;
    for (let i = 0; i < count; i += 1) {
      const request = mixedRequest(1000 + i);
      const reply = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no UDP reply through nginx to ${JSON.stringify(request.text)}`)), 2000);
        socket.once('message', (message, rinfo) => {
          clearTimeout(timer);
          if (rinfo.port !== port) reject(new Error(`reply came from port ${rinfo.port}, not the port we sent to (${port})`));
          resolve(message.toString('latin1').replace(/\n$/, ''));
        });
        socket.send(`${request.text}\n`, port, '127.0.0.1');
      });
      if (reply !== request.expected) throw new Error(`UDP reply ${JSON.stringify(reply)}, expected ${JSON.stringify(request.expected)}`);
      ok += 1;
    }
    return ok;
  } finally {
    socket.close();
  }
}

async function main(): Promise<number> {
  const streamModule = ensureNginx();
  const dir = mkdtempSync(join(tmpdir(), 'rxnet-lb-'));
  const servers: StartedServer[] = [];
  const replies = new Map<string, number>();
  let nginx: ReturnType<typeof startChild> | undefined;
  try {
    for (const transport of ['tcp', 'udp'] as const) {
      for (const name of ['A', 'B']) {
        const label = `${transport} ${name}`;
        replies.set(label, 0);
        const server = await startServer({
          kind: 'rxnet',
          transport,
          workers: 1,
          extraArgs: ['--verbose'],
          onStderrLine: (line) => {
            if (line.startsWith('reply')) replies.set(label, (replies.get(label) ?? 0) + 1);
          },
        });
        servers.push(server);
        log(`rxnet ${label}: pid ${server.pid}, 127.0.0.1:${server.port}`);
      }
    }
    const [tcpA, tcpB, udpA, udpB] = servers.map((s) => s.port) as [number, number, number, number];
    const listenPort = await freePort();
    const template = readFileSync(join(REPO_ROOT, 'docs', 'nginx-stream.conf'), 'utf8');
    const errorLogPath = join(dir, 'error.log');
    const conf = renderNginxConfig(template, { listenPort, tcpPorts: [tcpA, tcpB], udpPorts: [udpA, udpB], pidPath: join(dir, 'nginx.pid'), errorLogPath, streamModule });
    const confPath = join(dir, 'nginx.conf');
    writeFileSync(confPath, conf);
    const nginxArgs = ['-c', confPath, '-p', dir, '-e', errorLogPath];
    const check = run('nginx', ['-t', ...nginxArgs]);
    if (check.status !== 0) throw new Error(`nginx -t rejected the configuration:\n${check.output}`);
    nginx = startChild({ command: ['nginx', ...nginxArgs, '-g', 'daemon off;'], onStderrLine: (line) => log(`nginx: ${line}`) });
    await waitForTcp(listenPort, 5000);
    log(`nginx: pid ${nginx.pid}, listening on 127.0.0.1:${listenPort} (TCP and UDP), config ${confPath}`);

    const sessions = Array.from({ length: TCP_CONNECTIONS }, (_, i) => tcpSession(listenPort, i * REQUESTS_PER_CONNECTION, REQUESTS_PER_CONNECTION));
    const tcpOk = (await Promise.all(sessions)).reduce((a, b) => a + b, 0);
    log(`TCP: ${TCP_CONNECTIONS} connections x ${REQUESTS_PER_CONNECTION} pipelined requests through nginx: ${tcpOk} verified replies`);
    const udpOk = await udpRequests(listenPort, UDP_DATAGRAMS);
    log(`UDP: ${UDP_DATAGRAMS} datagrams through nginx from one client socket: ${udpOk} verified replies, all from the port we sent to`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the servers' last log lines arrive
  } finally {
    if (nginx !== undefined) log(`nginx stopped: ${await stopChild(nginx)}`);
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  log('replies logged by each backend (--verbose):');
  for (const [label, count] of replies) log(`  rxnet ${label}: ${count}`);
  const allAnswered = [...replies.values()].every((n) => n > 0);
  log(allAnswered ? 'OK: both backends answered over TCP and over UDP' : 'FAILED: a backend got no traffic');
  return allAnswered ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    process.stderr.write(`demo:lb: ${err instanceof Error ? err.message : String(err)}\n`);
    await stopAllChildren();
    process.exitCode = 1;
  },
);
