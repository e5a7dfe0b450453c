import { ApiError } from './ApiError.js';
import { formatHostPort, parseHostPort } from './parseHostPort.js';
import type { ProxyByteCounter } from './ProxyByteCounter.js';
import { resolveListenHost } from './resolveListenHost.js';
import { startTcpProxy, type ProxyRuntimeOptions, type RunningProxy } from './tcpProxy.js';
import { ToxicCollection } from './ToxicCollection.js';
import type { ProxyProtocol, ToxicRecord } from './ToxicRecord.js';
import { startUdpProxy } from './udpProxy.js';

/** A proxy as the API shows it: toxiproxy's fields and toxics, plus rxnet's `protocol`. */
export interface ProxyJson {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
  readonly protocol: ProxyProtocol;
  readonly toxics: ToxicRecord[];
}

/** What a proxy is configured as (validated). */
export interface ProxyConfig {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly protocol: ProxyProtocol;
}

/** What every proxy of a server shares: its dice, its clock, the UDP mappings' limits and the wiretap. */
export type ProxyTuning = Pick<ProxyRuntimeOptions, 'random' | 'scheduler' | 'udp' | 'maxConnections' | 'wiretap'>;

/** Makes the byte counter of a proxy, from its current fields (the metrics' labels). */
export type CounterFactory = (proxy: ProxyEntry) => ProxyByteCounter | undefined;

/**
 * One named proxy (toxiproxy's Proxy): its fields, its toxics, and while enabled its running
 * listener. `listen` shows the bound address once started (`127.0.0.1:40123` for `localhost:0`).
 *
 * Example: `const proxy = new ProxyEntry({ name: 'redis', listen: 'localhost:0', upstream: 'localhost:6379', protocol: 'tcp' }); await proxy.start()`
 */
export class ProxyEntry {
  readonly name: string;
  listen: string;
  upstream: string;
  protocol: ProxyProtocol;
  toxics: ToxicCollection;
  private running: RunningProxy | undefined;

  constructor(
    config: ProxyConfig,
    private readonly counterFor: CounterFactory = () => undefined,
    private readonly tuning: ProxyTuning = {},
  ) {
    this.name = config.name;
    this.listen = config.listen;
    this.upstream = config.upstream;
    this.protocol = config.protocol;
    this.toxics = new ToxicCollection(config.protocol);
  }

  get enabled(): boolean {
    return this.running !== undefined;
  }

  /** Starts listening; a 500 ApiError (as toxiproxy) when it cannot (EADDRINUSE, a name that does not resolve). */
  async start(): Promise<ApiError | undefined> {
    if (this.running !== undefined) return undefined;
    const listen = parseHostPort(this.listen);
    const upstream = parseHostPort(this.upstream);
    if (listen === undefined) return new ApiError(400, `bad request body: listen: expected host:port with a port 0-65535, not "${this.listen}"`);
    if (upstream === undefined) return new ApiError(400, `bad request body: upstream: expected host:port with a port 0-65535, not "${this.upstream}"`);
    let address = this.listen;
    try {
      const host = await resolveListenHost(listen.host);
      address = formatHostPort({ host, port: listen.port });
      const options: ProxyRuntimeOptions = {
        listen: { host, port: listen.port },
        upstream,
        toxics: { upstream: this.toxics.stream$('upstream'), downstream: this.toxics.stream$('downstream') },
        ...this.extras(),
      };
      this.running = await (this.protocol === 'udp' ? startUdpProxy(options) : startTcpProxy(options));
      this.listen = formatHostPort({ host: this.running.address.address, port: this.running.address.port });
      return undefined;
    } catch (err) {
      return new ApiError(500, `listen ${this.protocol} ${address}: ${describeListenError(err, listen.host)}`);
    }
  }

  /** Stops listening and drops every connection. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.close();
  }

  /** True when `config` would listen elsewhere, forward elsewhere or carry another protocol (toxiproxy's Differs). */
  async differs(config: Pick<ProxyConfig, 'listen' | 'upstream'> & { readonly protocol?: ProxyProtocol }): Promise<boolean> {
    if (config.upstream !== this.upstream || (config.protocol ?? this.protocol) !== this.protocol) return true;
    const listen = parseHostPort(config.listen);
    if (listen === undefined) return true;
    try {
      return formatHostPort({ host: await resolveListenHost(listen.host), port: listen.port }) !== this.listen;
    } catch {
      return true;
    }
  }

  /** Applies new fields at once: a changed address restarts it (dropping connections); `enabled` starts or stops it. */
  async update(config: Omit<ProxyConfig, 'name'>, enabled: boolean): Promise<ApiError | undefined> {
    if (await this.differs(config)) {
      const wasEnabled = this.enabled;
      await this.stop();
      this.listen = config.listen;
      this.upstream = config.upstream;
      if (config.protocol !== this.protocol) {
        this.protocol = config.protocol;
        this.toxics = new ToxicCollection(config.protocol); // the old toxics may not exist for the new protocol
      }
      if (wasEnabled && enabled) return this.start();
    }
    if (enabled && !this.enabled) return this.start();
    if (!enabled && this.enabled) await this.stop();
    return undefined;
  }

  toJSON(): ProxyJson {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, protocol: this.protocol, toxics: this.toxics.list() };
  }

  private extras(): Pick<ProxyRuntimeOptions, 'counter' | keyof ProxyTuning> {
    const counter = this.counterFor(this);
    return { ...(counter === undefined ? {} : { counter }), ...this.tuning };
  }
}


/** Go's wording of a listen failure (`bind: address already in use`), or the error's own message. */
function describeListenError(err: unknown, host: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return 'bind: address already in use';
  if (code === 'EACCES') return 'bind: permission denied';
  if (code === 'EADDRNOTAVAIL') return 'bind: cannot assign requested address';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `lookup ${host}: no such host`;
  return err instanceof Error ? err.message : String(err);
}
