/**
 * The one record of rxnet's transports and what each one is. Everything that depends on the
 * kind of a transport (how a lost reply is simulated, which server or client serves it, which
 * options apply) reads it here, so a transport added later is one entry, not a hunt for
 * `=== 'tcp'` across the layers. Pure data: imports nothing.
 */

/** A transport that carries one ordered byte stream per connection: replies are matched to requests by their order. */
export const TRANSPORT_KIND_STREAM = 'stream';
/** A transport that carries datagrams: each request stands alone, and so does each reply. */
export const TRANSPORT_KIND_DATAGRAM = 'datagram';
export type TransportKind = typeof TRANSPORT_KIND_STREAM | typeof TRANSPORT_KIND_DATAGRAM;

/** A host name or IP address and a port. */
export const ADDRESS_HOST_PORT = 'host-port';
/** A socket file path. */
export const ADDRESS_PATH = 'path';
export type AddressForm = typeof ADDRESS_HOST_PORT | typeof ADDRESS_PATH;

/** What a transport declares about itself. */
export interface TransportTraits {
  /**
   * `stream` or `datagram`. On a stream a reply that is not sent would make the client take the
   * next reply for it, so a lost roll ends the connection (randomCut); on datagrams it drops
   * that one reply (randomDrop).
   */
  readonly kind: TransportKind;
  /** How its address is given: `host-port`, or `path` (the `path` option, required then). */
  readonly address: AddressForm;
  /**
   * Whether an SSDP LOCATION (`name://host:port`) may name it: true when a discoverer needs
   * nothing but that address to talk to it (not TLS, which needs trusted certificates; not a path).
   */
  readonly discoverable: boolean;
}

/**
 * Every transport rxnet serves and connects over, and its traits. Key order is the order
 * transports are listed in (options, messages).
 *
 * Example: `TRANSPORT_REGISTRY.unix.kind` is `'stream'`.
 *
 * @see isStreamTransport, TRANSPORTS, STREAM_TRANSPORTS
 */
export const TRANSPORT_REGISTRY = Object.freeze({
  tcp: Object.freeze({ kind: TRANSPORT_KIND_STREAM, address: ADDRESS_HOST_PORT, discoverable: true }),
  udp: Object.freeze({ kind: TRANSPORT_KIND_DATAGRAM, address: ADDRESS_HOST_PORT, discoverable: true }),
  tls: Object.freeze({ kind: TRANSPORT_KIND_STREAM, address: ADDRESS_HOST_PORT, discoverable: false }),
  unix: Object.freeze({ kind: TRANSPORT_KIND_STREAM, address: ADDRESS_PATH, discoverable: false }),
} as const satisfies Readonly<Record<string, TransportTraits>>);

type Registry = typeof TRANSPORT_REGISTRY;

/** A transport's name: `tcp`, `udp`, `tls` or `unix`. */
export type Transport = keyof Registry;

/** The transports whose trait `K` is `V`, as a type. */
type TransportsWhere<K extends keyof TransportTraits, V> = { [T in Transport]: Registry[T][K] extends V ? T : never }[Transport];

/** A stream transport: `tcp`, `tls` or `unix`. */
export type StreamTransport = TransportsWhere<'kind', typeof TRANSPORT_KIND_STREAM>;
/** A datagram transport: `udp`. */
export type DatagramTransport = TransportsWhere<'kind', typeof TRANSPORT_KIND_DATAGRAM>;
/** A transport an SSDP LOCATION may name: `tcp` or `udp`. */
export type DiscoverableTransport = TransportsWhere<'discoverable', true>;

/** Every transport, in registry order: `['tcp', 'udp', 'tls', 'unix']`. */
// Object.keys types its result string[]; the keys of a frozen literal are exactly Transport.
export const TRANSPORTS: readonly Transport[] = Object.freeze(Object.keys(TRANSPORT_REGISTRY) as Transport[]);

/**
 * True when `transport` is a stream (its replies are matched to requests by order).
 *
 * Example: `isStreamTransport('tls')` is `true`; `isStreamTransport('udp')` is `false`.
 */
export function isStreamTransport(transport: Transport): transport is StreamTransport {
  return TRANSPORT_REGISTRY[transport].kind === TRANSPORT_KIND_STREAM;
}

/**
 * True when an SSDP LOCATION may name `transport`.
 *
 * Example: `isDiscoverableTransport('udp')` is `true`; `isDiscoverableTransport('unix')` is `false`.
 */
export function isDiscoverableTransport(transport: Transport): transport is DiscoverableTransport {
  return TRANSPORT_REGISTRY[transport].discoverable;
}

/** The stream transports, in registry order: `['tcp', 'tls', 'unix']`. */
export const STREAM_TRANSPORTS: readonly StreamTransport[] = Object.freeze(TRANSPORTS.filter(isStreamTransport));

/** The transports an SSDP LOCATION may name, in registry order: `['tcp', 'udp']`. */
export const DISCOVERABLE_TRANSPORTS: readonly DiscoverableTransport[] = Object.freeze(TRANSPORTS.filter(isDiscoverableTransport));

/**
 * True when `name` is a transport's name (for input that is any string: a LOCATION, a flag).
 *
 * Example: `isTransport('unix')` is `true`; `isTransport('http')` is `false`.
 */
export function isTransport(name: string): name is Transport {
  return Object.hasOwn(TRANSPORT_REGISTRY, name);
}

/**
 * Transport names as a list for a message: `tcp, tls or unix`.
 *
 * Example: `listTransports(STREAM_TRANSPORTS)` is `'tcp, tls or unix'`.
 */
export function listTransports(names: readonly Transport[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
