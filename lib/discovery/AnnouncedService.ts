import { SSDP_ALL, type SsdpNotify, type SsdpSearchResponse } from './SsdpMessage.js';

/** What an announcer says about the service it stands for. */
export interface AnnouncedService {
  /** The search target and notification type, e.g. `urn:rxnet:service:calc:1`. */
  readonly serviceType: string;
  /** This server's UUID (one per server, e.g. from `crypto.randomUUID()`). */
  readonly uuid: string;
  /** Where the service listens, e.g. `tcp://127.0.0.1:9000`. */
  readonly location: string;
  /** The SERVER header, `OS/version UPnP/1.1 product/version`. */
  readonly server: string;
  /** Seconds an answer or advertisement stays valid. */
  readonly maxAge: number;
}

/**
 * The unique service name: `uuid:<uuid>::<service type>`.
 *
 * Example: `serviceUsn({ uuid: '2f…', serviceType: 'urn:rxnet:service:calc:1', … })` is
 * `'uuid:2f…::urn:rxnet:service:calc:1'`.
 */
export function serviceUsn(service: Pick<AnnouncedService, 'uuid' | 'serviceType'>): string {
  return `uuid:${service.uuid}::${service.serviceType}`;
}

/**
 * The ST a service answers a search with, or `undefined` when the search is not for it.
 * It answers its own service type, `ssdp:all` (with its service type) and `uuid:<its uuid>`.
 *
 * Example: `responseTargetFor('ssdp:all', service)` is `service.serviceType`;
 * `responseTargetFor('upnp:rootdevice', service)` is `undefined`.
 */
export function responseTargetFor(st: string, service: Pick<AnnouncedService, 'uuid' | 'serviceType'>): string | undefined {
  if (st === SSDP_ALL || st === service.serviceType) return service.serviceType;
  if (st.toLowerCase() === `uuid:${service.uuid}`.toLowerCase()) return `uuid:${service.uuid}`;
  return undefined;
}

/**
 * The `200 OK` answering a search whose target resolved to `st` (see {@link responseTargetFor}).
 *
 * Example: `searchResponse(service, service.serviceType, new Date())`
 */
export function searchResponse(service: AnnouncedService, st: string, date: Date): SsdpSearchResponse {
  return {
    kind: 'response',
    maxAge: service.maxAge,
    location: service.location,
    server: service.server,
    st,
    usn: st.startsWith('uuid:') ? st : serviceUsn(service),
    date: date.toUTCString(),
  };
}

/**
 * The advertisement sent to `host` (`group:port`): `ssdp:alive` with LOCATION and max-age, or
 * `ssdp:byebye` with only NT and USN.
 *
 * Example: `notification(service, 'ssdp:byebye', '239.255.255.250:1900')`
 */
export function notification(service: AnnouncedService, nts: 'ssdp:alive' | 'ssdp:byebye', host: string): SsdpNotify {
  const base = { kind: 'notify', host, nt: service.serviceType, nts, usn: serviceUsn(service) } as const;
  return nts === 'ssdp:byebye' ? base : { ...base, location: service.location, maxAge: service.maxAge, server: service.server };
}
