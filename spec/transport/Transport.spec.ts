import { expect } from 'chai';
import {
  CALC_CLIENT_TRANSPORTS,
  DISCOVERABLE_TRANSPORTS,
  LOCATION_TRANSPORTS,
  STREAM_TRANSPORTS,
  TRANSPORT_REGISTRY,
  TRANSPORTS,
  isDiscoverableTransport,
  isStreamTransport,
  isTransport,
} from '../../lib/index.js';
import { resolveServerOptions } from '../../lib/calc/server/serverOptions.js';
import { listTransports } from '../../lib/transport/Transport.js';

describe('TRANSPORT_REGISTRY', () => {
  it('records tcp, tls and unix as streams and udp as datagrams', () => {
    const kinds = Object.fromEntries(TRANSPORTS.map((transport) => [transport, TRANSPORT_REGISTRY[transport].kind]));
    expect(kinds).to.deep.equal({ tcp: 'stream', udp: 'datagram', tls: 'stream', unix: 'stream' });
  });

  it('records unix as the one transport addressed by a path', () => {
    expect(TRANSPORTS.filter((transport) => TRANSPORT_REGISTRY[transport].address === 'path')).to.deep.equal(['unix']);
  });

  it('is frozen, entries included', () => {
    expect(Object.isFrozen(TRANSPORT_REGISTRY)).to.equal(true);
    for (const transport of TRANSPORTS) expect(Object.isFrozen(TRANSPORT_REGISTRY[transport]), transport).to.equal(true);
    expect(Object.isFrozen(TRANSPORTS)).to.equal(true);
  });

  describe('the lists derived from it', () => {
    it('lists every transport in registry order', () => {
      expect(TRANSPORTS).to.deep.equal(['tcp', 'udp', 'tls', 'unix']);
    });

    it('lists the stream transports: what the TCP client takes', () => {
      expect(STREAM_TRANSPORTS).to.deep.equal(['tcp', 'tls', 'unix']);
    });

    it('lists tcp and udp as the transports an SSDP LOCATION may name', () => {
      expect(DISCOVERABLE_TRANSPORTS).to.deep.equal(['tcp', 'udp']);
      expect(LOCATION_TRANSPORTS).to.equal(DISCOVERABLE_TRANSPORTS);
    });

    it('gives the calc client and the server every transport', () => {
      expect(CALC_CLIENT_TRANSPORTS).to.deep.equal(TRANSPORTS);
      const needs = { tls: { cert: 'c', key: 'k' }, unix: { path: '/tmp/rxnet-unused.sock' } } as const;
      for (const transport of TRANSPORTS) {
        const extra = transport === 'tls' || transport === 'unix' ? needs[transport] : {};
        expect(resolveServerOptions({ transport, ...extra }).transport).to.equal(transport);
      }
    });
  });

  describe('#isStreamTransport', () => {
    it('is true for tcp, tls and unix and false for udp', () => {
      expect(TRANSPORTS.map((transport) => [transport, isStreamTransport(transport)])).to.deep.equal([
        ['tcp', true],
        ['udp', false],
        ['tls', true],
        ['unix', true],
      ]);
    });
  });

  describe('#isDiscoverableTransport', () => {
    it('is true for tcp and udp only', () => {
      expect(TRANSPORTS.filter(isDiscoverableTransport)).to.deep.equal(['tcp', 'udp']);
    });
  });

  describe('#isTransport', () => {
    it('is true for the names of the registry', () => {
      for (const transport of TRANSPORTS) expect(isTransport(transport), transport).to.equal(true);
    });

    it('is false for any other string, inherited property names included', () => {
      for (const name of ['', 'TCP', 'http', 'sctp', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
        expect(isTransport(name), name).to.equal(false);
      }
    });
  });

  describe('#listTransports', () => {
    it('joins names with commas and a last "or"', () => {
      expect(listTransports(STREAM_TRANSPORTS)).to.equal('tcp, tls or unix');
      expect(listTransports(TRANSPORTS)).to.equal('tcp, udp, tls or unix');
      expect(listTransports(['udp'])).to.equal('udp');
      expect(listTransports([])).to.equal('');
    });
  });
});
