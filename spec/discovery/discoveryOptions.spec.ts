import { expect } from 'chai';
import { asyncScheduler } from 'rxjs';
import { announce, discover, ERR_RXNET_INVALID_OPTION, RxnetInvalidOptionError } from '../../lib/index.js';
import { resolveAnnounceOptions, resolveDiscoverOptions, resolveSsdpNetworkOptions } from '../../lib/discovery/discoveryOptions.js';
import { watchSsdp } from '../../lib/discovery/watchSsdp.js';

/** Runs `fn`, expecting it to throw an RxnetInvalidOptionError with exactly `message`. */
function expectInvalid(fn: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).to.be.instanceOf(RxnetInvalidOptionError);
  expect((thrown as RxnetInvalidOptionError).code).to.equal(ERR_RXNET_INVALID_OPTION);
  expect((thrown as RxnetInvalidOptionError).message).to.equal(message);
}

const LOCATION = 'tcp://127.0.0.1:9000';

describe('discoveryOptions', () => {
  describe('#resolveSsdpNetworkOptions', () => {
    it('defaults to 239.255.255.250:1900, TTL 2, loopback on, the system interface', () => {
      expect(resolveSsdpNetworkOptions()).to.deep.equal({ group: '239.255.255.250', port: 1900, interfaceAddress: undefined, ttl: 2, loopback: true });
    });
    it('takes an undefined option as its default', () => {
      expect(resolveSsdpNetworkOptions({ port: undefined }).port).to.equal(1900);
    });
    it('rejects a group that is not multicast', () => {
      expectInvalid(() => resolveSsdpNetworkOptions({ group: '127.0.0.1' }), 'Invalid group "127.0.0.1" (expected an IPv4 multicast address 224.0.0.0-239.255.255.255)');
    });
    it('rejects a group that is not an address', () => {
      expectInvalid(() => resolveSsdpNetworkOptions({ group: 'ssdp' }), 'Invalid group "ssdp" (expected an IPv4 multicast address 224.0.0.0-239.255.255.255)');
    });
    it('rejects port 0 (a group port must be known to the others)', () => {
      expectInvalid(() => resolveSsdpNetworkOptions({ port: 0 }), 'Invalid port "0" (expected an integer 1-65535)');
    });
    it('rejects a TTL of 0', () => {
      expectInvalid(() => resolveSsdpNetworkOptions({ ttl: 0 }), 'Invalid ttl "0" (expected an integer 1-255)');
    });
    it('rejects an interface that is not an IPv4 address', () => {
      expectInvalid(() => resolveSsdpNetworkOptions({ interfaceAddress: 'lo' }), 'Invalid interfaceAddress "lo" (expected the IPv4 address of a local interface)');
    });
    it('rejects an unknown option', () => {
      expectInvalid(() => resolveSsdpNetworkOptions({ iface: 'lo' } as never), 'Unknown option iface');
    });
  });

  describe('#resolveAnnounceOptions', () => {
    it('fills in the defaults and a random UUID', () => {
      const options = resolveAnnounceOptions({ location: LOCATION });
      expect(options).to.include({ location: LOCATION, serviceType: 'urn:rxnet:service:calc:1', maxAge: 1800, copies: 2, random: Math.random, scheduler: asyncScheduler });
      expect(options.uuid).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(options.server).to.match(/^\S+\/\S+ UPnP\/1\.1 rxnet\/0\.1$/);
    });
    it('draws a new UUID for each server', () => {
      expect(resolveAnnounceOptions({ location: LOCATION }).uuid).to.not.equal(resolveAnnounceOptions({ location: LOCATION }).uuid);
    });
    it('rejects a location that is not tcp:// or udp://', () => {
      expectInvalid(() => resolveAnnounceOptions({ location: 'http://10.0.0.7/desc.xml' }), 'Invalid location "http://10.0.0.7/desc.xml" (expected tcp://host:port or udp://host:port)');
    });
    it('requires a location', () => {
      expectInvalid(() => resolveAnnounceOptions({}), 'Invalid location "undefined" (expected tcp://host:port or udp://host:port)');
    });
    it('rejects a service type with a space, which would break the ST header', () => {
      expectInvalid(
        () => resolveAnnounceOptions({ location: LOCATION, serviceType: 'urn:a b' }),
        'Invalid serviceType "urn:a b" (expected a search target without spaces, e.g. urn:rxnet:service:calc:1)',
      );
    });
    it('rejects a SERVER value with a line break', () => {
      expectInvalid(() => resolveAnnounceOptions({ location: LOCATION, server: 'a\r\nX: y' }), 'Invalid server "a\r\nX: y" (expected one line of text)');
    });
    it('rejects a uuid that is not one', () => {
      expectInvalid(() => resolveAnnounceOptions({ location: LOCATION, uuid: 'abc' }), 'Invalid uuid "abc" (expected a UUID such as crypto.randomUUID() makes)');
    });
    it('rejects 0 copies', () => {
      expectInvalid(() => resolveAnnounceOptions({ location: LOCATION, copies: 0 }), 'Invalid copies "0" (expected an integer 1-5)');
    });
    it('rejects a max-age of 0', () => {
      expectInvalid(() => resolveAnnounceOptions({ location: LOCATION, maxAge: 0 }), 'Invalid maxAge "0" (expected a whole number of seconds 1-86400)');
    });
  });

  describe('#resolveDiscoverOptions', () => {
    it('searches for the service type with MX 2 for 3 s by default', () => {
      expect(resolveDiscoverOptions()).to.include({ serviceType: 'urn:rxnet:service:calc:1', searchTarget: 'urn:rxnet:service:calc:1', mx: 2, windowMs: 3000, copies: 2, includeNotify: false });
    });
    it('makes the window MX + 1 seconds unless told', () => {
      expect(resolveDiscoverOptions({ mx: 1 }).windowMs).to.equal(2000);
      expect(resolveDiscoverOptions({ mx: 1, windowMs: 300 }).windowMs).to.equal(300);
    });
    it('searches for another service type when given one', () => {
      expect(resolveDiscoverOptions({ serviceType: 'urn:x:service:y:1' }).searchTarget).to.equal('urn:x:service:y:1');
    });
    it('rejects MX 6 (UPnP allows 1-5)', () => {
      expectInvalid(() => resolveDiscoverOptions({ mx: 6 }), 'Invalid mx "6" (expected an integer 1-5)');
    });
    it('rejects a window of 0 ms', () => {
      expectInvalid(() => resolveDiscoverOptions({ windowMs: 0 }), 'Invalid windowMs "0" (expected a whole number of milliseconds 1-60000)');
    });
  });

  describe('factories', () => {
    it('announce throws at the call, before any socket is made', () => {
      expectInvalid(() => announce({ location: 'tcp://h:0' }), 'Invalid location "tcp://h:0" (expected tcp://host:port or udp://host:port)');
    });
    it('discover throws at the call, before any socket is made', () => {
      expectInvalid(() => discover({ group: '10.0.0.1' }), 'Invalid group "10.0.0.1" (expected an IPv4 multicast address 224.0.0.0-239.255.255.255)');
    });
    it('watchSsdp throws at the call, before any socket is made', () => {
      expectInvalid(() => watchSsdp({ loopback: 'yes' as never }), 'Invalid loopback "yes" (expected true or false)');
    });
  });
});
