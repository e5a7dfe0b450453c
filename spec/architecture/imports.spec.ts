import { expect } from 'chai';
import { ROOT } from '../helpers/childProcess.js';
import {
  checkEdge,
  formatViolations,
  importsOf,
  layerOf,
  sourceFiles,
  targetExists,
  treeImports,
  type ImportEdge,
  type Violation,
} from './importRules.js';

/** The violations of one synthetic file. */
function violationsOf(file: string, source: string): Violation[] {
  return importsOf(file, source).flatMap(checkEdge);
}

describe('architecture: import directions (docs/architecture.md)', () => {
  describe('the checker', () => {
    it('finds static, type-only, re-export and dynamic imports, and ignores imports in comments and strings', () => {
      const source = [
        "import { a } from './a.js';",
        "import type { B } from '../b.js';",
        "export { c } from './c.js';",
        "export * from './d.js';",
        "const e = await import('./e.js');",
        "// import { f } from './f.js';",
        "const g = \"import { g } from './g.js'\";",
      ].join('\n');
      expect(importsOf('lib/server/x.ts', source).map((edge) => edge.specifier)).to.deep.equal(['./a.js', '../b.js', './c.js', './d.js', './e.js']);
    });

    it('reads a relative .js import as the .ts source it compiles from', () => {
      expect(importsOf('lib/server/serveTcp.ts', "import { x } from '../transport/listenTcp.js';")[0]?.target).to.equal('lib/transport/listenTcp.ts');
    });

    it('names the layer of every lib/ path, and none outside lib/', () => {
      expect(
        ['lib/errors.ts', 'lib/index.ts', 'lib/calc/index.ts', 'lib/calc/protocol/types.ts', 'lib/calc/client/calcClient.ts', 'lib/transport/bindUdp.ts', 'lib/calc/stray.ts', 'cli/src/server.ts'].map(layerOf),
      ).to.deep.equal(['errors', 'index', 'calc', 'calc/protocol', 'calc/client', 'transport', undefined, undefined]);
    });

    const wrongWay: ReadonlyArray<[string, string, string]> = [
      ['lib/calc/protocol/x.ts', "import { map } from 'rxjs';", 'lib/calc/protocol/ is pure: no rxjs and no sockets (node:net, node:dgram...); it may import zod'],
      ['lib/framing/x.ts', "import { Socket } from 'node:net';", 'lib/framing/ is pure: no rxjs and no sockets (node:net, node:dgram...); it may import node:buffer'],
      ['lib/calc/protocol/x.ts', "import { createSocket } from 'dgram';", 'lib/calc/protocol/ is pure: no rxjs and no sockets (node:net, node:dgram...); it may import zod'],
      ['lib/transport/x.ts', "import { parseRequest } from '../calc/protocol/parseRequest.js';", 'lib/transport/ is generic and imports nothing of lib/calc/: calc is one protocol on top'],
      ['lib/server/x.ts', "import { calcPipeline } from '../calc/server/calcPipeline.js';", 'lib/server/ is generic and imports nothing of lib/calc/: calc is one protocol on top'],
      ['lib/client/x.ts', "import { parseReply } from '../calc/protocol/parseReply.js';", 'lib/client/ is generic and imports nothing of lib/calc/: calc is one protocol on top'],
      ['lib/operators/x.ts', "import { parse } from '../calc/operators/parse.js';", 'lib/operators/ is generic and imports nothing of lib/calc/: calc is one protocol on top'],
      ['lib/framing/x.ts', "import { MIN_MAX_LINE_LENGTH } from '../calc/protocol/lineLimits.js';", 'lib/framing/ is generic and imports nothing of lib/calc/: calc is one protocol on top'],
      ['lib/discovery/x.ts', "import { startServer } from '../calc/index.js';", 'lib/discovery/ is generic and imports nothing of lib/calc/: calc is one protocol on top'],
      ['lib/calc/client/x.ts', "import { startServer } from '../server/startServer.js';", 'lib/calc/server/ and lib/calc/client/ never import each other'],
      ['lib/calc/client/x.ts', "import { serveTcp } from '../../server/serveTcp.js';", 'lib/calc/client/ may import errors, framing, codec, timing, options, observability, policies, operators, transport, client, calc/protocol, not server'],
      ['lib/calc/protocol/x.ts', "import { parse } from '../operators/parse.js';", 'lib/calc/protocol/ may import errors, not calc/operators'],
      ['lib/calc/index.ts', "export { serveTcp } from '../server/serveTcp.js';", 'lib/calc/index.ts may import calc/protocol, calc/operators, calc/server, calc/client, not server'],
      ['lib/server/x.ts', "import { createTcpClient } from '../client/tcpClient.js';", 'lib/server/ and lib/client/ never import each other'],
      ['lib/client/x.ts', "import type { RunningServer } from '../server/startServer.js';", 'lib/server/ and lib/client/ never import each other'],
      ['lib/operators/x.ts', "import { listenTcp } from '../transport/listenTcp.js';", 'lib/operators/ may import errors, framing, timing, options, policies, not transport'],
      ['lib/errors.ts', "import { z } from 'zod';", 'lib/errors.ts may import no package, not zod'],
      ['lib/operators/x.ts', "import { OperatorSubscriber } from 'rxjs/internal/operators/OperatorSubscriber';", 'never import rxjs/internal/*: build from public RxJS only'],
      ['lib/server/x.ts', "import minimist from 'minimist';", 'lib/server/ may import rxjs, zod, node:*, not minimist'],
      ['cli/src/x.ts', "import { startServer } from '../../lib/calc/server/startServer.js';", 'cli/src/ imports only lib/index.ts or lib/calc/index.ts from lib/, as a user would'],
      ['examples/x.ts', "import { splitLines } from '../lib/operators/splitLines.js';", 'examples/ imports only lib/index.ts or lib/calc/index.ts from lib/, as a user would'],
      ['bench/x.ts', "import { listenTcp } from '../lib/transport/listenTcp.js';", 'bench/ imports only lib/index.ts or lib/calc/index.ts from lib/, as a user would'],
      ['examples/x.ts', "import { sleep } from '../spec/helpers/rawTcp.js';", 'examples/ imports only its own files and lib/index.ts or lib/calc/index.ts'],
      ['lib/server/x.ts', "import { main } from '../../cli/src/server.js';", 'lib/ imports nothing outside lib/'],
    ];
    for (const [file, source, rule] of wrongWay) {
      it(`rejects ${file}: ${source}`, () => {
        expect(violationsOf(file, source).map((violation) => violation.rule)).to.deep.equal([rule]);
      });
    }

    const rightWay: ReadonlyArray<[string, string]> = [
      ['lib/calc/protocol/x.ts', "import { z } from 'zod'; import { RxnetError } from '../../errors.js'; import type { CalcRequest } from './types.js';"],
      ['lib/framing/x.ts', "import { overlong } from './Frame.js';"],
      ['lib/operators/x.ts', "import { map } from 'rxjs'; import { LineDecoder } from '../framing/LineDecoder.js';"],
      ['lib/calc/operators/x.ts', "import { map } from 'rxjs'; import { parseRequest } from '../protocol/parseRequest.js'; import { isOverlong } from '../../framing/Frame.js';"],
      ['lib/calc/server/x.ts', "import { serveTcp } from '../../server/serveTcp.js'; import { parse } from '../operators/parse.js'; import { listenTcp } from '../../transport/listenTcp.js';"],
      ['lib/calc/client/x.ts', "import { createTcpClient } from '../../client/tcpClient.js'; import { parseReply } from '../protocol/parseReply.js';"],
      ['lib/calc/index.ts', "export { startServer } from './server/startServer.js'; export { createCalcClient } from './client/calcClient.js';"],
      ['lib/index.ts', "export * from './calc/index.js'; export { parseReply } from './calc/protocol/parseReply.js';"],
      ['examples/x.ts', "import { createCalcClient } from '../lib/calc/index.js';"],
      ['lib/transport/x.ts', "import { createSocket } from 'node:dgram'; import { Observable } from 'rxjs'; import { overlong } from '../framing/Frame.js';"],
      ['lib/server/x.ts', "import { listenTcp } from '../transport/listenTcp.js'; import { randomCut } from '../operators/randomCut.js';"],
      ['lib/index.ts', "export { serveTcp } from './server/serveTcp.js'; export { createTcpClient } from './client/tcpClient.js';"],
      ['cli/src/x.ts', "import minimist from 'minimist'; import { startServer } from '../../lib/index.js'; import { runMain } from './runMain.js';"],
      ['cli/src/x.ts', "import { createCalcClient } from '../../lib/calc/index.js';"],
      ['examples/x.ts', "import { listenTcp } from '../lib/index.js'; import { mergeMap } from 'rxjs'; import { parseArgs } from 'node:util';"],
    ];
    for (const [file, source] of rightWay) {
      it(`accepts ${file}: ${source}`, () => {
        expect(violationsOf(file, source)).to.deep.equal([]);
      });
    }
  });

  describe('the tree', () => {
    let edges: ImportEdge[];
    before(() => {
      edges = treeImports(ROOT);
    });

    it('has sources in every checked directory (so a moved tree cannot pass by checking nothing)', () => {
      for (const dir of ['lib', 'cli/src', 'examples', 'bench']) expect(sourceFiles(ROOT, dir), dir).to.not.be.empty;
      expect(edges.length).to.be.greaterThan(100);
    });

    it('places every lib/ file in a known layer (a new directory needs its row in docs/architecture.md and importRules.ts)', () => {
      const unplaced = sourceFiles(ROOT, 'lib').filter((file) => layerOf(file) === undefined);
      expect(unplaced).to.deep.equal([]);
    });

    it('resolves every relative import to a source file that exists', () => {
      const missing = edges.filter((edge) => !targetExists(ROOT, edge));
      expect(missing.map((edge) => `${edge.file} -> ${edge.specifier}`)).to.deep.equal([]);
    });

    const rules: ReadonlyArray<[string, (violation: Violation) => boolean]> = [
      ['lib/calc/protocol/ and lib/framing/ import no rxjs and no node:net / node:dgram', (v) => /^lib\/(calc\/protocol|framing)\//.test(v.file) && /^(rxjs|node:|net$|dgram$)/.test(v.specifier)],
      ['no generic layer imports lib/calc/ (calc is one protocol on top)', (v) => v.rule.includes('imports nothing of lib/calc/')],
      ['lib/calc/server/ and lib/calc/client/ never import each other', (v) => v.rule.startsWith('lib/calc/server/ and lib/calc/client/')],
      ['lib/server/ and lib/client/ never import each other', (v) => v.rule.startsWith('lib/server/ and lib/client/')],
      ['cli/src/, examples/ and bench/ import only lib/index.ts or lib/calc/index.ts from lib/', (v) => !v.file.startsWith('lib/')],
      ['every lib/ import points down the layers (docs/architecture.md), with only the packages each layer may use', () => true],
    ];
    for (const [rule, select] of rules) {
      it(rule, () => {
        const violations = edges.flatMap(checkEdge).filter(select);
        expect(violations, formatViolations(violations)).to.deep.equal([]);
      });
    }
  });
});
