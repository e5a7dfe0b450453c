import { z } from 'zod';
import { SSDP_GROUP, SSDP_PORT } from '../../lib/index.js';
import { portFlag } from './flagSchemas.js';

/** The SSDP flags shared by `server --announce`, `client --discover` and `discover`. */
export const SSDP_FLAG_NAMES = ['ssdp-group', 'ssdp-port', 'ssdp-interface'] as const;

const ipv4 = { error: 'an IPv4 address' };
const multicast = { error: 'an IPv4 multicast address (224.0.0.0-239.255.255.255)' };

/** zod shapes of the SSDP flags, to spread into a command's flag schema. */
export const ssdpFlagShape = {
  'ssdp-group': z
    .ipv4(multicast)
    .regex(/^2(?:2[4-9]|3\d)\./, multicast)
    .default(SSDP_GROUP),
  'ssdp-port': portFlag.default(SSDP_PORT),
  'ssdp-interface': z.ipv4(ipv4).optional(),
};

/** Help lines of the SSDP flags. */
export const SSDP_USAGE = `  --ssdp-group ADDR      SSDP multicast group (default ${SSDP_GROUP})
  --ssdp-port N          SSDP port (default ${SSDP_PORT})
  --ssdp-interface ADDR  IPv4 address of the interface to join and send on (default: the system's choice)`;

/** The network options of announce() and discover() from parsed SSDP flags. */
export function ssdpNetwork(flags: { 'ssdp-group': string; 'ssdp-port': number; 'ssdp-interface'?: string | undefined }): {
  group: string;
  port: number;
  interfaceAddress?: string;
} {
  return {
    group: flags['ssdp-group'],
    port: flags['ssdp-port'],
    ...(flags['ssdp-interface'] === undefined ? {} : { interfaceAddress: flags['ssdp-interface'] }),
  };
}
