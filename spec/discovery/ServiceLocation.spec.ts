import { expect } from 'chai';
import { formatLocation, locationOf, parseLocation } from '../../lib/index.js';

describe('ServiceLocation', () => {
  describe('#parseLocation', () => {
    const valid = [
      ['tcp://127.0.0.1:9000', { transport: 'tcp', host: '127.0.0.1', port: 9000 }],
      ['udp://calc.example:1', { transport: 'udp', host: 'calc.example', port: 1 }],
      ['tcp://[::1]:65535', { transport: 'tcp', host: '::1', port: 65535 }],
      ['  tcp://h:9000/ ', { transport: 'tcp', host: 'h', port: 9000 }],
    ] as const;
    for (const [text, location] of valid) {
      it(`reads "${text}"`, () => expect(parseLocation(text)).to.deep.equal(location));
    }
    const invalid = [
      'http://10.0.0.7:80/description.xml',
      'tcp://h',
      'tcp://h:0',
      'tcp://h:65536',
      'tcp://::1:9000',
      'tcp://h:9000/path',
      'TCP://h:9000',
      'unix:///tmp/s',
      'tls://h:9443',
      'unix://h:9000',
      'constructor://h:9000',
      '',
    ];
    for (const text of invalid) {
      it(`gives undefined for "${text}"`, () => expect(parseLocation(text)).to.equal(undefined));
    }
  });

  describe('#formatLocation', () => {
    it('writes transport://host:port', () => {
      expect(formatLocation({ transport: 'udp', host: '10.0.0.7', port: 9001 })).to.equal('udp://10.0.0.7:9001');
    });
    it('brackets an IPv6 host', () => {
      expect(formatLocation({ transport: 'tcp', host: '::1', port: 9000 })).to.equal('tcp://[::1]:9000');
    });
    it('is undone by parseLocation', () => {
      const location = { transport: 'tcp', host: 'fe80::1', port: 4242 } as const;
      expect(parseLocation(formatLocation(location))).to.deep.equal(location);
    });
  });

  describe('#locationOf', () => {
    it('makes the location of a running server from its transport and bound address', () => {
      const server = { transport: 'tcp', address: { address: '127.0.0.1', port: 41234, family: 'IPv4' } } as const;
      expect(locationOf(server)).to.equal('tcp://127.0.0.1:41234');
    });
  });
});
