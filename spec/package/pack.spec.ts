import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/childProcess.js';
import { NPM_INSTALL_FLAGS, runInDirectory as run } from '../helpers/runInDirectory.js';

/** The bins package.json declares: name -> launcher path. */
const BINS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;

/** What the script in the installed project prints, as JSON. */
interface Installed {
  readonly parsed: unknown;
  readonly reply: string;
  readonly resolved: string;
  readonly requireType: string;
  readonly types: { readonly field: string; readonly exists: boolean; readonly exportsTypes: string };
  readonly calc: { readonly reply: string; readonly sameAsMain: boolean; readonly resolved: string; readonly exportsTypes: string; readonly typesExist: boolean };
}

/** A user's script: imports rxnet by name (ESM), does a TCP round trip on loopback, checks require and the types. */
const USER_SCRIPT = `
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startServer, parseRequest, createCalcClient as mainCalcClient } from 'rxnet';
import { createCalcClient } from 'rxnet/calc';
import { firstValueFrom } from 'rxjs';

const require = createRequire(import.meta.url);
const server = await startServer({ host: '127.0.0.1', port: 0 });
let reply;
let calcReply;
try {
  reply = await new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: server.address.port });
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.end('+,1,1\\n*,6,7\\n');
  });
  const client = createCalcClient({ port: server.address.port });
  try {
    calcReply = (await firstValueFrom(client.request('-,9,2'))).text;
  } finally {
    await client.close();
  }
} finally {
  await server.close();
}
const manifestPath = fileURLToPath(new URL('./node_modules/rxnet/package.json', import.meta.url));
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const typesPath = fileURLToPath(new URL('./node_modules/rxnet/' + manifest.types, import.meta.url));
console.log(JSON.stringify({
  parsed: parseRequest('*,6,7'),
  reply,
  resolved: require.resolve('rxnet'),
  requireType: typeof require('rxnet').startServer,
  types: { field: manifest.types, exists: existsSync(typesPath), exportsTypes: manifest.exports['.'].types },
  calc: {
    reply: calcReply,
    sameAsMain: createCalcClient === mainCalcClient,
    resolved: require.resolve('rxnet/calc'),
    exportsTypes: manifest.exports['./calc'].types,
    typesExist: existsSync(fileURLToPath(new URL('./node_modules/rxnet/' + manifest.exports['./calc'].types, import.meta.url))),
  },
}));
`;

describe('npm pack: the published package', function () {
  // Packing and an install take a few seconds (more with an empty cache); generous for a loaded CI machine.
  this.timeout(90000);

  let work: string;
  let tarball: string;
  let files: string[];
  let project: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'rxnet-pack-'));
    // --ignore-scripts: pack the dist/ this test run was built with (prepare would rebuild it).
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT, 30000);
    expect(packed.code, `npm pack failed:\n${packed.stderr}`).to.equal(0);
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, info.filename);
    files = info.files.map((file) => file.path).sort();

    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'rxnet-user', version: '1.0.0', private: true, type: 'module' }));
    writeFileSync(join(project, 'user.mjs'), USER_SCRIPT);
    // A real install, as a user's machine does it: rxjs, zod and minimist come from the npm cache
    // when it holds them (--prefer-offline) and from the registry when it does not, so an empty
    // cache (a fresh machine, and CI) works too (issue 10: --offline failed there with ENOTCACHED).
    // Not --ignore-scripts: the install must not need a build step.
    const installed = await run('npm', ['install', tarball, ...NPM_INSTALL_FLAGS], project, 80000);
    expect(installed.code, `npm install of the tarball failed:\n${installed.stderr}`).to.equal(0);
  });

  after(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  describe('the tarball', () => {
    it('holds the built library with its types, the built CLI, the launchers, docs, README and package.json', () => {
      for (const path of [
        'package.json',
        'README.md',
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'dist/lib/calc/index.js',
        'dist/lib/calc/index.d.ts',
        'dist/cli/src/server.js',
        'dist/cli/src/client.js',
        'cli/server.js',
        'cli/client.js',
        'docs/protocol.md',
        'docs/architecture.md',
      ]) {
        expect(files, path).to.include(path);
      }
    });

    it('holds no specs, benchmarks, examples or TypeScript sources (.d.ts only)', () => {
      expect(files.filter((path) => /^dist\/(spec|bench|examples)\//.test(path))).to.deep.equal([]);
      expect(files.filter((path) => /^(lib|spec|bench|examples|cli\/src)\//.test(path))).to.deep.equal([]);
      expect(files.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).to.deep.equal([]);
    });

    it('holds the file of every bin, and each is a node script', () => {
      expect(Object.keys(BINS)).to.include.members(['rxnet-server', 'rxnet-client']);
      for (const [name, path] of Object.entries(BINS)) {
        expect(files, `bin ${name}`).to.include(path.replace(/^\.\//, ''));
        expect(readFileSync(join(ROOT, path), 'utf8'), `bin ${name}`).to.match(/^#!\/usr\/bin\/env node\n/);
      }
    });
  });

  describe('installed into a new project', () => {
    it('brings rxjs, zod and minimist but no TypeScript', () => {
      const installed = readdirSync(join(project, 'node_modules'));
      expect(installed).to.include.members(['rxnet', 'rxjs', 'zod', 'minimist']);
      expect(installed).to.not.include('typescript');
    });

    it("runs a user's ESM script that imports rxnet by name: a TCP round trip on 127.0.0.1, require() and the types", async () => {
      const script = await run(process.execPath, ['user.mjs'], project, 15000);
      expect(script.code, script.stderr).to.equal(0);
      const result = JSON.parse(script.stdout) as Installed;
      expect(result.parsed).to.deep.equal({ ok: true, request: { op: '*', a: 6, b: 7 } });
      expect(result.reply).to.equal('200,2\n200,42\n');
      expect(result.resolved).to.equal(join(project, 'node_modules', 'rxnet', 'dist', 'lib', 'index.js'));
      expect(result.requireType).to.equal('function');
      expect(result.types).to.deep.equal({ field: './dist/lib/index.d.ts', exists: true, exportsTypes: './dist/lib/index.d.ts' });
    });

    it("imports the calc protocol from 'rxnet/calc', the same functions as from 'rxnet', with their types", async () => {
      const script = await run(process.execPath, ['user.mjs'], project, 15000);
      expect(script.code, script.stderr).to.equal(0);
      const { calc } = JSON.parse(script.stdout) as Installed;
      expect(calc).to.deep.equal({
        reply: '200,7',
        sameAsMain: true,
        resolved: join(project, 'node_modules', 'rxnet', 'dist', 'lib', 'calc', 'index.js'),
        exportsTypes: './dist/lib/calc/index.d.ts',
        typesExist: true,
      });
    });

    it('links every bin, and rxnet-server --help runs from the install', async () => {
      for (const name of Object.keys(BINS)) expect(existsSync(join(project, 'node_modules', '.bin', name)), name).to.equal(true);
      const help = await run(join(project, 'node_modules', '.bin', 'rxnet-server'), ['--help'], project, 15000);
      expect(help.code, help.stderr).to.equal(0);
      expect(help.stdout).to.match(/^Usage: /);
    });
  });
});
