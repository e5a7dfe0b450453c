import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { bandwidth } from './toxics/bandwidth.js';
import { corrupt } from './toxics/corrupt.js';
import { datagramBandwidth } from './toxics/datagramBandwidth.js';
import { datagramLatency } from './toxics/datagramLatency.js';
import { datagramLimitData } from './toxics/datagramLimitData.js';
import { duplicate } from './toxics/duplicate.js';
import { latency } from './toxics/latency.js';
import { limitData } from './toxics/limitData.js';
import { noop } from './toxics/noop.js';
import { packetLoss } from './toxics/packetLoss.js';
import { reorder } from './toxics/reorder.js';
import { resetPeer } from './toxics/resetPeer.js';
import { slicer } from './toxics/slicer.js';
import { slowClose } from './toxics/slowClose.js';
import { timeout } from './toxics/timeout.js';
import type { ProxyProtocol } from './ToxicRecord.js';

/** What building one toxic's operator for one connection gets. */
export interface ToxicBuild {
  readonly scheduler?: SchedulerLike;
  readonly random?: () => number;
  /** State kept for this toxic on this connection across pipeline swaps (limit_data's count). */
  readonly state: { transmitted: number };
}

/** One toxic type: its attributes (with toxiproxy's defaults) and its operator per protocol. */
export interface ToxicType {
  readonly attributes: z.ZodType<Record<string, number>>;
  /** True when the operator may hold data for a while (it delays): the proxy bounds what it holds. */
  readonly holdsData: boolean;
  readonly build: Partial<Record<ProxyProtocol, (attributes: Readonly<Record<string, number>>, build: ToxicBuild) => MonoTypeOperatorFunction<Buffer>>>;
}

const whole = (what: string): z.ZodNumber =>
  z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` }).min(0, { error: `expected ${what}` });
const ms = whole('a whole number of milliseconds >= 0');
const count = whole('a whole number >= 0');
const probability = z.number({ error: 'expected a number from 0 to 1' }).min(0, { error: 'expected a number from 0 to 1' }).max(1, { error: 'expected a number from 0 to 1' });
const attributes = <S extends z.ZodRawShape>(shape: S): z.ZodType<Record<string, number>> =>
  z.object(shape) as unknown as z.ZodType<Record<string, number>>; // every field is a number with a default

/** Reads an attribute the schema guarantees. */
const at = (attrs: Readonly<Record<string, number>>, key: string): number => attrs[key] ?? 0;

/**
 * The toxic types, by toxiproxy's name. Attribute defaults are toxiproxy's (Go's zero values,
 * and packet_loss's documented 0.1), except slicer's average_size, which is 1 (0 would never end).
 */
export const TOXIC_TYPES: Readonly<Record<string, ToxicType>> = {
  noop: { attributes: attributes({}), holdsData: false, build: { tcp: () => noop(), udp: () => noop() } },
  latency: {
    attributes: attributes({ latency: ms.default(0), jitter: ms.default(0) }),
    holdsData: true,
    build: {
      tcp: (a, b) => latency({ latency: at(a, 'latency'), jitter: at(a, 'jitter'), ...env(b) }),
      udp: (a, b) => datagramLatency({ latency: at(a, 'latency'), jitter: at(a, 'jitter'), ...env(b) }),
    },
  },
  bandwidth: {
    attributes: attributes({ rate: count.default(0) }),
    holdsData: true,
    build: { tcp: (a, b) => bandwidth({ rate: at(a, 'rate'), ...env(b) }), udp: (a, b) => datagramBandwidth({ rate: at(a, 'rate'), ...env(b) }) },
  },
  slow_close: { attributes: attributes({ delay: ms.default(0) }), holdsData: false, build: { tcp: (a, b) => slowClose({ delay: at(a, 'delay'), ...env(b) }) } },
  timeout: { attributes: attributes({ timeout: ms.default(0) }), holdsData: false, build: { tcp: (a, b) => timeout({ timeout: at(a, 'timeout'), ...env(b) }) } },
  reset_peer: { attributes: attributes({ timeout: ms.default(0) }), holdsData: false, build: { tcp: (a, b) => resetPeer({ timeout: at(a, 'timeout'), ...env(b) }) } },
  slicer: {
    attributes: attributes({ average_size: count.min(1, { error: 'expected a whole number >= 1' }).default(1), size_variation: count.default(0), delay: count.default(0) }),
    holdsData: true,
    build: {
      tcp: (a, b) => slicer({ averageSize: at(a, 'average_size'), sizeVariation: at(a, 'size_variation'), delay: at(a, 'delay'), ...env(b) }),
    },
  },
  limit_data: {
    attributes: attributes({ bytes: count.default(0) }),
    holdsData: false,
    build: {
      tcp: (a, b) => limitData({ bytes: at(a, 'bytes'), state: b.state }),
      udp: (a, b) => datagramLimitData({ bytes: at(a, 'bytes'), state: b.state }),
    },
  },
  packet_loss: {
    attributes: attributes({ loss_rate: probability.default(0.1), correlation: probability.default(0) }),
    holdsData: false,
    build: {
      tcp: (a, b) => packetLoss({ lossRate: at(a, 'loss_rate'), correlation: at(a, 'correlation'), ...env(b) }),
      udp: (a, b) => packetLoss({ lossRate: at(a, 'loss_rate'), correlation: at(a, 'correlation'), ...env(b) }),
    },
  },
  duplicate: { attributes: attributes({ rate: probability.default(0) }), holdsData: false, build: { udp: (a, b) => duplicate({ rate: at(a, 'rate'), ...env(b) }) } },
  reorder: {
    attributes: attributes({ rate: probability.default(0), gap: count.default(1), delay: ms.default(100) }),
    holdsData: true,
    build: { udp: (a, b) => reorder({ rate: at(a, 'rate'), gap: at(a, 'gap'), delay: at(a, 'delay'), ...env(b) }) },
  },
  corrupt: {
    attributes: attributes({ rate: probability.default(0), bytes: count.default(1) }),
    holdsData: false,
    build: { udp: (a, b) => corrupt({ rate: at(a, 'rate'), bytes: at(a, 'bytes'), ...env(b) }) },
  },
};

/** The scheduler and random source of a build, without undefined keys. */
function env(build: ToxicBuild): { scheduler?: SchedulerLike; random?: () => number } {
  return { ...(build.scheduler === undefined ? {} : { scheduler: build.scheduler }), ...(build.random === undefined ? {} : { random: build.random }) };
}

/** The toxic types a proxy of `protocol` takes, for messages: `latency, bandwidth, ...`. */
export function toxicTypesFor(protocol: ProxyProtocol): string[] {
  return Object.keys(TOXIC_TYPES).filter((name) => TOXIC_TYPES[name]?.build[protocol] !== undefined);
}

