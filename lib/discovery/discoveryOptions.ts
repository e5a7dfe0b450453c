import { randomUUID } from 'node:crypto';
import { release, type } from 'node:os';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { validateOptions } from '../options/validateOptions.js';
import { parseLocation } from './ServiceLocation.js';
import { MAX_MX, RXNET_SERVICE_TYPE, SSDP_GROUP, SSDP_PORT } from './SsdpMessage.js';

/** Where SSDP traffic goes, shared by the announcer, the discoverer and the watcher. */
export interface SsdpNetworkOptions {
  /** The IPv4 multicast group. Defaults to `239.255.255.250`. */
  readonly group: string;
  /** The group's UDP port. Defaults to 1900. */
  readonly port: number;
  /** The IPv4 address of the interface to join and send on. Defaults to the system's choice (its multicast route). */
  readonly interfaceAddress?: string | undefined;
  /** Multicast TTL: how many routers a datagram may cross. Defaults to 2 (UPnP's advice). */
  readonly ttl: number;
  /** Whether multicast sent here is also delivered on this host (to servers on the same machine). Defaults to true. */
  readonly loopback: boolean;
}

/** Every option of {@link announce}, resolved. */
export interface AnnounceOptions extends SsdpNetworkOptions {
  /** Where the announced service listens: `tcp://host:port` or `udp://host:port`. Required. */
  readonly location: string;
  /** The service type searched for and advertised. Defaults to `urn:rxnet:service:calc:1`. */
  readonly serviceType: string;
  /** This server's UUID, part of its USN. Defaults to a new `crypto.randomUUID()` per call. */
  readonly uuid: string;
  /** The SERVER header. Defaults to `<OS>/<release> UPnP/1.1 rxnet/0.1`. */
  readonly server: string;
  /** Seconds an answer or advertisement stays valid; `ssdp:alive` is repeated every half of it. Defaults to 1800. */
  readonly maxAge: number;
  /** How many copies of `ssdp:alive` (and `ssdp:byebye`) to send, since UDP may lose one. Defaults to 2. */
  readonly copies: number;
  /** Numbers in [0, 1) that pick each answer's delay within MX. Defaults to `Math.random`. */
  readonly random: () => number;
  /** Runs the answer delays and renewals. Defaults to `asyncScheduler`. */
  readonly scheduler: SchedulerLike;
}

/** Every option of {@link discover}, resolved. */
export interface DiscoverOptions extends SsdpNetworkOptions {
  /** The service type to collect. Defaults to `urn:rxnet:service:calc:1`. */
  readonly serviceType: string;
  /** The ST searched for: the service type or `ssdp:all`. Defaults to `serviceType`. */
  readonly searchTarget: string;
  /** MX: the seconds servers may wait before answering, 1-5. Defaults to 2. */
  readonly mx: number;
  /** How long to collect answers, in ms. Defaults to `(mx + 1) * 1000`. */
  readonly windowMs: number;
  /** How many copies of the search to send, since UDP may lose one. Defaults to 2. */
  readonly copies: number;
  /** Also collect `ssdp:alive` advertisements heard on the group during the window. Defaults to false. */
  readonly includeNotify: boolean;
  /** Runs the window. Defaults to `asyncScheduler`. */
  readonly scheduler: SchedulerLike;
}

/** The network defaults. */
export const SSDP_NETWORK_DEFAULTS: SsdpNetworkOptions = Object.freeze({
  group: SSDP_GROUP,
  port: SSDP_PORT,
  interfaceAddress: undefined,
  ttl: 2,
  loopback: true,
});

/** The defaults of {@link announce} (`location` has none; `uuid` is new per call). */
export const ANNOUNCE_DEFAULTS: Omit<AnnounceOptions, 'location' | 'uuid'> = Object.freeze({
  ...SSDP_NETWORK_DEFAULTS,
  serviceType: RXNET_SERVICE_TYPE,
  server: `${type()}/${release()} UPnP/1.1 rxnet/0.1`,
  maxAge: 1800,
  copies: 2,
  random: Math.random,
  scheduler: asyncScheduler,
});

/** The defaults of {@link discover} (`searchTarget` follows `serviceType`, `windowMs` follows `mx`). */
export const DISCOVER_DEFAULTS: Omit<DiscoverOptions, 'searchTarget' | 'windowMs'> = Object.freeze({
  ...SSDP_NETWORK_DEFAULTS,
  serviceType: RXNET_SERVICE_TYPE,
  mx: 2,
  copies: 2,
  includeNotify: false,
  scheduler: asyncScheduler,
});

const allows = (expected: string) => ({ error: expected });
const integer = (min: number, max: number, expected = `an integer ${min}-${max}`) =>
  z.number(allows(expected)).int(allows(expected)).min(min, allows(expected)).max(max, allows(expected));
const TOKEN = allows('a search target without spaces, e.g. urn:rxnet:service:calc:1');
const token = z.string(TOKEN).regex(/^\S+$/, TOKEN);
const GROUP = allows('an IPv4 multicast address 224.0.0.0-239.255.255.255');

const networkShape = {
  group: z.ipv4(GROUP).refine((ip) => Number(ip.split('.')[0]) >= 224 && Number(ip.split('.')[0]) <= 239, GROUP),
  port: integer(1, 65535),
  interfaceAddress: z.ipv4(allows('the IPv4 address of a local interface')).optional(),
  ttl: integer(1, 255),
  loopback: z.boolean(allows('true or false')),
};
const scheduler = z.custom<SchedulerLike>(
  (value) => typeof value === 'object' && value !== null && typeof (value as { schedule?: unknown }).schedule === 'function',
  allows('an RxJS scheduler'),
);

const networkSchema = z.strictObject(networkShape);
const announceSchema = z.strictObject({
  ...networkShape,
  location: z
    .string(allows('tcp://host:port or udp://host:port'))
    .refine((text) => parseLocation(text) !== undefined, allows('tcp://host:port or udp://host:port')),
  serviceType: token,
  uuid: z.uuid(allows('a UUID such as crypto.randomUUID() makes')),
  server: z.string(allows('one line of text')).regex(/^[^\r\n]*$/, allows('one line of text')),
  maxAge: integer(1, 86400, 'a whole number of seconds 1-86400'),
  copies: integer(1, 5),
  random: z.custom<() => number>((value) => typeof value === 'function', allows('a function returning numbers in [0, 1)')),
  scheduler,
});
const discoverSchema = z.strictObject({
  ...networkShape,
  serviceType: token,
  searchTarget: token,
  mx: integer(1, MAX_MX),
  windowMs: integer(1, 60000, 'a whole number of milliseconds 1-60000'),
  copies: integer(1, 5),
  includeNotify: z.boolean(allows('true or false')),
  scheduler,
});

/**
 * Merges over {@link SSDP_NETWORK_DEFAULTS} and validates.
 *
 * Example: `resolveSsdpNetworkOptions({ port: 1901 }).group` is `'239.255.255.250'`.
 *
 * @throws RxnetInvalidOptionError naming the first bad option and what it allows.
 */
export function resolveSsdpNetworkOptions(options: Partial<SsdpNetworkOptions> = {}): Readonly<SsdpNetworkOptions> {
  return validateOptions(networkSchema, { ...SSDP_NETWORK_DEFAULTS, ...defined(options) });
}

/**
 * Merges over {@link ANNOUNCE_DEFAULTS}, draws a UUID when none is given, and validates.
 *
 * Example: `resolveAnnounceOptions({ location: 'tcp://127.0.0.1:9000' }).maxAge` is `1800`.
 *
 * @throws RxnetInvalidOptionError, e.g. `Invalid location "http://x" (expected tcp://host:port or udp://host:port)`.
 */
export function resolveAnnounceOptions(options: Partial<AnnounceOptions>): Readonly<AnnounceOptions> {
  return validateOptions(announceSchema, { ...ANNOUNCE_DEFAULTS, uuid: randomUUID(), ...defined(options) });
}

/**
 * Merges over {@link DISCOVER_DEFAULTS}; `searchTarget` defaults to `serviceType` and `windowMs`
 * to `(mx + 1) * 1000`. Validates once. Undefined entries mean the default.
 *
 * Example: `resolveDiscoverOptions({ mx: 1 }).windowMs` is `2000`.
 *
 * @throws RxnetInvalidOptionError naming the first bad option and what it allows.
 */
export function resolveDiscoverOptions(options: Partial<DiscoverOptions> = {}): Readonly<DiscoverOptions> {
  const merged: Record<string, unknown> = { ...DISCOVER_DEFAULTS, ...defined(options) };
  const mx = typeof merged['mx'] === 'number' ? merged['mx'] : DISCOVER_DEFAULTS.mx;
  return validateOptions(discoverSchema, { searchTarget: merged['serviceType'], windowMs: (mx + 1) * 1000, ...merged });
}

/** The options without their undefined entries, so that `{ port: undefined }` means the default. */
function defined(options: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
