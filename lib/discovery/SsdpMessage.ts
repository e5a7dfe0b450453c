/**
 * SSDP (the discovery part of UPnP): HTTP-shaped text messages carried in UDP datagrams.
 * Pure types and constants; no sockets.
 *
 * Three messages matter here:
 * - a search, `M-SEARCH * HTTP/1.1`, multicast by a control point looking for a search target (ST);
 * - its answer, `HTTP/1.1 200 OK`, unicast back to the searcher by each matching service;
 * - an advertisement, `NOTIFY * HTTP/1.1`, multicast by a service as it comes (`ssdp:alive`)
 *   and goes (`ssdp:byebye`).
 */
import type { SocketAddress } from '../transport/SocketAddress.js';

/** The IPv4 multicast group SSDP uses. */
export const SSDP_GROUP = '239.255.255.250';
/** The UDP port SSDP uses. */
export const SSDP_PORT = 1900;
/** The search target that every service answers. */
export const SSDP_ALL = 'ssdp:all';
/** The only `MAN` value of a search (written with its double quotes on the wire). */
export const SSDP_DISCOVER = 'ssdp:discover';
/** The search target, notification type and USN suffix of an rxnet calc server. */
export const RXNET_SERVICE_TYPE = 'urn:rxnet:service:calc:1';
/** UPnP 1.1: a device treats an `MX` above 5 as 5. */
export const MAX_MX = 5;
/** A datagram longer than this is not SSDP (UPnP keeps messages in one unfragmented datagram). */
export const MAX_SSDP_DATAGRAM = 8192;

/** The `NTS` of an advertisement: arriving, leaving, or changed. */
export const NOTIFY_SUBTYPES = ['ssdp:alive', 'ssdp:byebye', 'ssdp:update'] as const;
export type NotifySubtype = (typeof NOTIFY_SUBTYPES)[number];

/** Headers other than the ones a message type names, keyed by lower-case name. */
export type ExtraHeaders = Readonly<Record<string, string>>;

/** `M-SEARCH * HTTP/1.1`: who offers `st`? */
export interface SsdpSearch {
  readonly kind: 'search';
  /** `HOST`: the group and port searched, e.g. `239.255.255.250:1900`. */
  readonly host: string;
  /** `ST`: the search target, e.g. `urn:rxnet:service:calc:1` or `ssdp:all`. */
  readonly st: string;
  /** `MX`: answer within this many seconds. Absent in a unicast search (answer at once). */
  readonly mx?: number;
  /** Any other headers (`USER-AGENT`...). */
  readonly headers?: ExtraHeaders;
}

/** `HTTP/1.1 200 OK`: the unicast answer to a search. */
export interface SsdpSearchResponse {
  readonly kind: 'response';
  /** From `CACHE-CONTROL: max-age=N`: seconds the answer stays valid. */
  readonly maxAge: number;
  /** `LOCATION`: where the service is, e.g. `tcp://127.0.0.1:9000`. */
  readonly location: string;
  /** `SERVER`: `OS/version UPnP/1.1 product/version`. */
  readonly server: string;
  /** `ST`: the target being answered. */
  readonly st: string;
  /** `USN`: the unique service name, e.g. `uuid:…::urn:rxnet:service:calc:1`. */
  readonly usn: string;
  /** `DATE`: when the answer was made (RFC 1123), if given. */
  readonly date?: string;
  /** Any other headers (`EXT` is always written and not listed here). */
  readonly headers?: ExtraHeaders;
}

/** `NOTIFY * HTTP/1.1`: an advertisement sent to the group. */
export interface SsdpNotify {
  readonly kind: 'notify';
  /** `HOST`: the group and port, e.g. `239.255.255.250:1900`. */
  readonly host: string;
  /** `NT`: the notification type (what is advertised). */
  readonly nt: string;
  /** `NTS`: `ssdp:alive`, `ssdp:byebye` or `ssdp:update`. */
  readonly nts: NotifySubtype;
  /** `USN`: the unique service name. */
  readonly usn: string;
  /** `LOCATION`: required for `ssdp:alive`. */
  readonly location?: string;
  /** From `CACHE-CONTROL: max-age=N`: required for `ssdp:alive`. */
  readonly maxAge?: number;
  /** `SERVER`, if given. */
  readonly server?: string;
  /** Any other headers. */
  readonly headers?: ExtraHeaders;
}

/** A well-formed SSDP message. */
export type SsdpMessage = SsdpSearch | SsdpSearchResponse | SsdpNotify;

/** A datagram that is not a well-formed SSDP message: a value to ignore or log, never an error. */
export interface InvalidSsdpMessage {
  readonly kind: 'invalid';
  /** One line saying what is wrong, e.g. `ST: missing`. */
  readonly reason: string;
  /** The start of the datagram as text, cut to 80 characters. */
  readonly text: string;
}

/** What {@link parseSsdpMessage} gives for any datagram. */
export type ParsedSsdpMessage = SsdpMessage | InvalidSsdpMessage;

/** A parsed datagram and who sent it. */
export interface ReceivedSsdp {
  readonly message: ParsedSsdpMessage;
  readonly sender: SocketAddress;
}
