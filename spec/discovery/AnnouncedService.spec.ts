import { expect } from 'chai';
import { notification, responseTargetFor, searchResponse, serviceUsn, type AnnouncedService } from '../../lib/discovery/AnnouncedService.js';

const service: AnnouncedService = {
  serviceType: 'urn:rxnet:service:calc:1',
  uuid: '0b6f1c2e-7a8d-4c3b-9e5f-1a2b3c4d5e6f',
  location: 'tcp://127.0.0.1:9000',
  server: 'Linux/6.1 UPnP/1.1 rxnet/0.1',
  maxAge: 1800,
};
const USN = 'uuid:0b6f1c2e-7a8d-4c3b-9e5f-1a2b3c4d5e6f::urn:rxnet:service:calc:1';

describe('AnnouncedService', () => {
  describe('#serviceUsn', () => {
    it('is uuid:<uuid>::<service type>', () => expect(serviceUsn(service)).to.equal(USN));
  });

  describe('#responseTargetFor', () => {
    it('answers its service type with its service type', () => {
      expect(responseTargetFor('urn:rxnet:service:calc:1', service)).to.equal('urn:rxnet:service:calc:1');
    });
    it('answers ssdp:all with its service type', () => {
      expect(responseTargetFor('ssdp:all', service)).to.equal('urn:rxnet:service:calc:1');
    });
    it('answers its own uuid (in any case) with the uuid', () => {
      expect(responseTargetFor('uuid:0B6F1C2E-7A8D-4C3B-9E5F-1A2B3C4D5E6F', service)).to.equal(`uuid:${service.uuid}`);
    });
    for (const st of ['upnp:rootdevice', 'urn:rxnet:service:calc:2', 'urn:schemas-upnp-org:device:MediaServer:1', 'uuid:other', 'SSDP:ALL']) {
      it(`does not answer ${st}`, () => expect(responseTargetFor(st, service)).to.equal(undefined));
    }
  });

  describe('#searchResponse', () => {
    it('is a 200 OK with max-age, location, server, the target, the USN and the date', () => {
      expect(searchResponse(service, 'urn:rxnet:service:calc:1', new Date(0))).to.deep.equal({
        kind: 'response',
        maxAge: 1800,
        location: 'tcp://127.0.0.1:9000',
        server: 'Linux/6.1 UPnP/1.1 rxnet/0.1',
        st: 'urn:rxnet:service:calc:1',
        usn: USN,
        date: 'Thu, 01 Jan 1970 00:00:00 GMT',
      });
    });
    it('uses the bare uuid as USN when answering a uuid search', () => {
      expect(searchResponse(service, `uuid:${service.uuid}`, new Date(0)).usn).to.equal(`uuid:${service.uuid}`);
    });
  });

  describe('#notification', () => {
    it('makes ssdp:alive with location, max-age and server', () => {
      expect(notification(service, 'ssdp:alive', '239.255.255.250:1900')).to.deep.equal({
        kind: 'notify',
        host: '239.255.255.250:1900',
        nt: 'urn:rxnet:service:calc:1',
        nts: 'ssdp:alive',
        usn: USN,
        location: 'tcp://127.0.0.1:9000',
        maxAge: 1800,
        server: 'Linux/6.1 UPnP/1.1 rxnet/0.1',
      });
    });
    it('makes ssdp:byebye with only host, NT, NTS and USN', () => {
      expect(notification(service, 'ssdp:byebye', '239.255.255.250:1900')).to.deep.equal({
        kind: 'notify',
        host: '239.255.255.250:1900',
        nt: 'urn:rxnet:service:calc:1',
        nts: 'ssdp:byebye',
        usn: USN,
      });
    });
  });
});
