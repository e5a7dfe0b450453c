import type { ProxyRuntimeOptions, RunningProxy } from './tcpProxy.js';

/** Placeholder until the UDP runtime lands. */
export function startUdpProxy(options: ProxyRuntimeOptions): Promise<RunningProxy> {
  return Promise.reject(new Error(`udp is not implemented yet (${options.listen.port})`));
}
