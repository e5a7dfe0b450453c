import { expect } from 'chai';
import { checkEdge, importsOf, layerOf } from '../architecture/importRules.js';

/** The rules broken by one synthetic file of lib/. */
const rulesBroken = (file: string, source: string): string[] => importsOf(file, source).flatMap(checkEdge).map((violation) => violation.rule);

describe('architecture: the codec layer', () => {
  it('places lib/codec/ files in the codec layer', () => {
    expect(layerOf('lib/codec/framed.ts')).to.equal('codec');
  });

  it('lets lib/codec/ import errors, framing and rxjs', () => {
    expect(rulesBroken('lib/codec/x.ts', "import { Observable } from 'rxjs'; import { LineDecoder } from '../framing/LineDecoder.js'; import { RxnetFramingError } from '../errors.js';")).to.deep.equal([]);
  });

  it('keeps lib/codec/ off the transports, the operators and the protocol, and off node:*', () => {
    expect(rulesBroken('lib/codec/x.ts', "import { listenTcp } from '../transport/listenTcp.js';")).to.deep.equal(['lib/codec/ may import errors, framing, not transport']);
    expect(rulesBroken('lib/codec/x.ts', "import { parse } from '../operators/parse.js';")).to.deep.equal(['lib/codec/ may import errors, framing, not operators']);
    expect(rulesBroken('lib/codec/x.ts', "import { parseRequest } from '../calc/protocol/parseRequest.js';")).to.deep.equal(['lib/codec/ is generic and imports nothing of lib/calc/: calc is one protocol on top']);
    expect(rulesBroken('lib/codec/x.ts', "import { Socket } from 'node:net';")).to.deep.equal(['lib/codec/ may import rxjs, not node:net']);
  });

  it('keeps the pure framings from importing the codecs', () => {
    expect(rulesBroken('lib/framing/x.ts', "import { framed } from '../codec/framed.js';")).to.deep.equal(['lib/framing/ may import errors, not codec']);
  });

  it('lets the server, the client and the barrel import the codecs', () => {
    for (const file of ['lib/server/x.ts', 'lib/client/x.ts', 'lib/index.ts']) {
      expect(rulesBroken(file, "import { lineCodec } from './codec/lineCodec.js';".replace('./', file === 'lib/index.ts' ? './' : '../')), file).to.deep.equal([]);
    }
  });
});
