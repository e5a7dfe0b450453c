import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * The import rules of docs/architecture.md as data, and a checker for them. Pure but for
 * `sourceFiles` and `checkTree`, which read the tree.
 */

/**
 * The layers of lib/, lowest first. `errors` is lib/errors.ts; `index` is lib/index.ts, the public
 * barrel. The generic toolkit comes first; `calc/*` is the calc protocol on top of it (lib/calc/,
 * one layer per sub-folder), and `calc` is lib/calc/index.ts, the `rxnet/calc` entry.
 */
export const LIB_LAYERS = [
  'errors',
  'framing',
  'codec',
  'timing',
  'options',
  'observability',
  'policies',
  'operators',
  'transport',
  'server',
  'client',
  'discovery',
  'proxy',
  'calc/protocol',
  'calc/operators',
  'calc/server',
  'calc/client',
  'calc',
  'index',
] as const;
export type LibLayer = (typeof LIB_LAYERS)[number];

/** The generic layers a server or a client is built on. */
const BELOW_SERVER_AND_CLIENT = ['errors', 'framing', 'codec', 'timing', 'options', 'observability', 'policies', 'operators', 'transport'] as const;

/** What each lib/ layer may import from lib/ (itself always included). No generic layer may import a `calc*` one. */
export const MAY_IMPORT: Readonly<Record<LibLayer, readonly LibLayer[]>> = {
  errors: [],
  framing: ['errors'],
  codec: ['errors', 'framing'],
  timing: ['errors'],
  options: ['errors'],
  observability: ['errors'],
  policies: ['errors', 'timing'],
  operators: ['errors', 'framing', 'timing', 'options', 'policies'],
  // observability: the byte-level wiretap of a connection (transport/wiretapConnection.ts), no protocol.
  transport: ['errors', 'framing', 'timing', 'options', 'observability', 'operators'],
  server: [...BELOW_SERVER_AND_CLIENT],
  client: [...BELOW_SERVER_AND_CLIENT],
  discovery: ['errors', 'framing', 'timing', 'options', 'operators', 'transport'],
  proxy: ['errors', 'framing', 'timing', 'options', 'observability', 'operators', 'transport'],
  'calc/protocol': ['errors'],
  'calc/operators': ['errors', 'framing', 'calc/protocol'],
  'calc/server': [...BELOW_SERVER_AND_CLIENT, 'server', 'calc/protocol', 'calc/operators'],
  'calc/client': [...BELOW_SERVER_AND_CLIENT, 'client', 'calc/protocol'],
  calc: ['calc/protocol', 'calc/operators', 'calc/server', 'calc/client'],
  index: LIB_LAYERS.filter((layer) => layer !== 'index'),
};

/** The packages each lib/ layer may import (`node:*` means any Node builtin). */
export const MAY_USE: Readonly<Record<LibLayer, readonly string[]>> = {
  errors: [],
  framing: ['node:buffer'],
  codec: ['rxjs'],
  timing: [],
  options: ['zod'],
  observability: ['rxjs', 'prom-client', 'node:*'],
  policies: ['rxjs'],
  operators: ['rxjs', 'zod'],
  transport: ['rxjs', 'zod', 'node:*'],
  server: ['rxjs', 'zod', 'node:*'],
  client: ['rxjs', 'zod', 'node:*'],
  discovery: ['rxjs', 'zod', 'node:*'],
  proxy: ['rxjs', 'zod', 'node:*', 'prom-client'],
  'calc/protocol': ['zod'],
  'calc/operators': ['rxjs'],
  'calc/server': ['rxjs', 'zod', 'node:*'],
  'calc/client': ['rxjs', 'zod', 'node:*'],
  calc: [],
  index: [],
};

/** The entry points a user imports: `rxnet` (lib/index.ts) and `rxnet/calc` (lib/calc/index.ts). */
export const ENTRY_POINTS: readonly string[] = ['lib/index.ts', 'lib/calc/index.ts'];

/** True for the calc protocol's layers (lib/calc/...). */
function isCalc(layer: LibLayer): boolean {
  return layer === 'calc' || layer.startsWith('calc/');
}

/** How a layer is named in a message: `lib/errors.ts`, `lib/calc/index.ts`, `lib/server/`. */
function pathOf(layer: LibLayer): string {
  if (layer === 'errors' || layer === 'index') return `lib/${layer}.ts`;
  return layer === 'calc' ? 'lib/calc/index.ts' : `lib/${layer}/`;
}

/** The directories checked, relative to the repository root. */
export const CHECKED_DIRS = ['lib', 'cli/src', 'examples', 'bench'] as const;

/** One import or re-export (static, `import type`, or dynamic `import()`). */
export interface ImportEdge {
  /** The importing file, repository-relative with `/` (e.g. `lib/server/serveTcp.ts`). */
  readonly file: string;
  /** The module specifier as written (`../transport/listenTcp.js`, `rxjs`, `node:net`). */
  readonly specifier: string;
  /** For a relative specifier, the imported source file, repository-relative (`.js` read as `.ts`). */
  readonly target: string | undefined;
}

/** A broken rule. */
export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

/** Every import of one source file, found by the TypeScript scanner (comments and strings are not imports). */
export function importsOf(file: string, source: string): ImportEdge[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map(({ fileName: specifier }) => ({
    file,
    specifier,
    target: specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts') : undefined,
  }));
}

/** The lib/ layer of a repository-relative path, or undefined outside lib/. */
export function layerOf(path: string): LibLayer | undefined {
  if (path === 'lib/errors.ts') return 'errors';
  if (path === 'lib/index.ts') return 'index';
  if (path === 'lib/calc/index.ts') return 'calc';
  const match = /^lib\/(calc\/[^/]+|[^/]+)\//.exec(path);
  const layer = match?.[1];
  // lib/calc/ holds its index.ts and its sub-folders only: a loose file there belongs to no layer.
  return layer === 'calc' ? undefined : LIB_LAYERS.find((known) => known === layer);
}

const BUILTINS = new Set(builtinModules);

/** The package an external specifier names: `rxjs`, `zod`, `node:net` (a bare `net` is `node:net`). */
function packageOf(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const [scopeOrName = '', name] = specifier.split('/');
  if (BUILTINS.has(scopeOrName)) return `node:${scopeOrName}`;
  return scopeOrName.startsWith('@') ? `${scopeOrName}/${name ?? ''}` : scopeOrName;
}

/** The rules broken by one import. */
export function checkEdge(edge: ImportEdge): Violation[] {
  const found: Violation[] = [];
  const broken = (rule: string): void => void found.push({ file: edge.file, specifier: edge.specifier, rule });
  const from = layerOf(edge.file);
  const inLib = edge.file.startsWith('lib/');

  if (edge.target === undefined) {
    if (edge.specifier.startsWith('rxjs/internal')) broken('never import rxjs/internal/*: build from public RxJS only');
    if (!inLib || from === undefined) return found;
    const pkg = packageOf(edge.specifier);
    const allowed = MAY_USE[from];
    const ok = allowed.includes(pkg) || (pkg.startsWith('node:') && allowed.includes('node:*'));
    if (!ok) {
      broken(
        from === 'calc/protocol' || from === 'framing'
          ? `lib/${from}/ is pure: no rxjs and no sockets (node:net, node:dgram...); it may import ${allowed.join(', ') || 'no package'}`
          : `${pathOf(from)} may import ${allowed.join(', ') || 'no package'}, not ${pkg}`,
      );
    }
    return found;
  }

  const to = layerOf(edge.target);
  if (!inLib) {
    const home = CHECKED_DIRS.find((dir) => edge.file.startsWith(`${dir}/`));
    if (edge.target.startsWith('lib/') && !ENTRY_POINTS.includes(edge.target)) {
      broken(`${home ?? edge.file}/ imports only lib/index.ts or lib/calc/index.ts from lib/, as a user would`);
    }
    if (edge.target.startsWith('spec/') || (home !== undefined && home !== 'lib' && !edge.target.startsWith(`${home}/`) && !edge.target.startsWith('lib/'))) {
      broken(`${home ?? edge.file}/ imports only its own files and lib/index.ts or lib/calc/index.ts`);
    }
    return found;
  }
  if (from === undefined) return found;
  if (!edge.target.startsWith('lib/')) {
    broken('lib/ imports nothing outside lib/');
    return found;
  }
  if (to === undefined || to === from) return found;
  const sides = new Set([from, to]);
  if (sides.has('server') && sides.has('client')) {
    broken('lib/server/ and lib/client/ never import each other');
  } else if (sides.has('calc/server') && sides.has('calc/client')) {
    broken('lib/calc/server/ and lib/calc/client/ never import each other');
  } else if (isCalc(to) && !isCalc(from) && from !== 'index') {
    broken(`${pathOf(from)} is generic and imports nothing of lib/calc/: calc is one protocol on top`);
  } else if (!MAY_IMPORT[from].includes(to)) {
    broken(`${pathOf(from)} may import ${MAY_IMPORT[from].join(', ') || 'nothing'}, not ${to}`);
  }
  return found;
}

/** Every `.ts` source (not `.d.ts`) under `dir` of `root`, repository-relative with `/`. */
export function sourceFiles(root: string, dir: string): string[] {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(absolute)) {
    const path = join(absolute, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(root, relative(root, path)));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(relative(root, path).split(sep).join('/'));
  }
  return out.sort();
}

/** Every import of every checked file in the tree at `root`. */
export function treeImports(root: string): ImportEdge[] {
  return CHECKED_DIRS.flatMap((dir) => sourceFiles(root, dir)).flatMap((file) => importsOf(file, readFileSync(join(root, file), 'utf8')));
}

/** One line per violation: `lib/transport/x.ts imports '../calc/protocol/y.js': <rule>`. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file} imports '${v.specifier}': ${v.rule}`).join('\n');
}

/** True when a relative import's target file exists (so the checker sees what the compiler sees). */
export function targetExists(root: string, edge: ImportEdge): boolean {
  if (edge.target === undefined) return true;
  return existsSync(join(root, edge.target));
}
