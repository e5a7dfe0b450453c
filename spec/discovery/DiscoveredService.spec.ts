import { expect } from 'chai';
import { toDiscoveredService } from '../../lib/discovery/DiscoveredService.js';
import { type ParsedSsdpMessage, type ReceivedSsdp } from '../../lib/discovery/SsdpMessage.js';

const TYPE = 'urn:rxnet:service:calc:1';
const from = { address: '10.0.0.7', port: 1900, family: 'IPv4' };
const received = (message: ParsedSsdpMessage): ReceivedSsdp => ({ message, sender: from });
const answer = (location: string, st = TYPE): ParsedSsdpMessage => ({ kind: 'response', maxAge: 60, location, server: 's', st, usn: 'uuid:a::t' });

describe('toDiscoveredService', () => {
  it('reads a search answer for the service type', () => {
    expect(toDiscoveredService(received(answer('tcp://10.0.0.7:9000')), TYPE)).to.deep.equal({
      location: 'tcp://10.0.0.7:9000',
      transport: 'tcp',
      host: '10.0.0.7',
      port: 9000,
      usn: 'uuid:a::t',
      server: 's',
      st: TYPE,
      maxAge: 60,
      via: 'search',
      from,
    });
  });

  it('replaces a wildcard host by the address the answer came from', () => {
    expect(toDiscoveredService(received(answer('udp://0.0.0.0:9001')), TYPE)).to.include({ location: 'udp://10.0.0.7:9001', host: '10.0.0.7' });
    expect(toDiscoveredService(received(answer('tcp://[::]:9002')), TYPE)).to.include({ location: 'tcp://10.0.0.7:9002' });
  });

  it('reads an ssdp:alive whose NT is the service type', () => {
    const alive: ParsedSsdpMessage = { kind: 'notify', host: 'h', nt: TYPE, nts: 'ssdp:alive', usn: 'uuid:b::t', location: 'tcp://h:1', maxAge: 5 };
    expect(toDiscoveredService(received(alive), TYPE)).to.include({ location: 'tcp://h:1', via: 'notify', usn: 'uuid:b::t', server: '', maxAge: 5 });
  });

  it('keeps an answer to a uuid search when that uuid was the search target', () => {
    expect(toDiscoveredService(received(answer('tcp://h:1', 'uuid:a')), TYPE, 'uuid:a')).to.include({ st: 'uuid:a' });
  });

  const ignored: Array<[string, ParsedSsdpMessage]> = [
    ['an answer for another service type', answer('tcp://h:1', 'urn:other:service:x:1')],
    ['an answer whose location is an http URL', answer('http://10.0.0.7/description.xml')],
    ['an answer whose location has no port', answer('tcp://h')],
    ['an ssdp:byebye', { kind: 'notify', host: 'h', nt: TYPE, nts: 'ssdp:byebye', usn: 'u' }],
    ['an ssdp:alive of another type', { kind: 'notify', host: 'h', nt: 'upnp:rootdevice', nts: 'ssdp:alive', usn: 'u', location: 'tcp://h:1', maxAge: 5 }],
    ['a search', { kind: 'search', host: 'h', st: TYPE, mx: 1 }],
    ['an invalid datagram', { kind: 'invalid', reason: 'r', text: 't' }],
  ];
  for (const [name, message] of ignored) {
    it(`ignores ${name}`, () => expect(toDiscoveredService(received(message), TYPE)).to.equal(undefined));
  }
});
