import type { Observable } from 'rxjs';
import type { CalcReply } from '../protocol/types.js';
import type { CalcClientOptions } from './calcClientOptions.js';
import { CalcClientBase } from './CalcClientBase.js';
import { RecentPorts } from './RecentPorts.js';
import { udpRequest } from './udpRequest.js';

/** A calc client over UDP: one socket per request (see udpRequest), sharing one RecentPorts. Internal; see createCalcClient. */
export class CalcClientOverUdp extends CalcClientBase {
  readonly address: string;
  private readonly recentPorts = new RecentPorts();
  private openSockets = 0;
  private allClosed: (() => void) | undefined;

  constructor(options: Readonly<CalcClientOptions>) {
    super(options);
    this.address = `udp://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  protected send(line: string): Observable<CalcReply> {
    return udpRequest(line, {
      host: this.options.host,
      port: this.options.port,
      retry: this.options.retry,
      recentPorts: this.recentPorts,
      onSend: this.options.onAttempt,
      onSocketOpened: () => {
        this.openSockets += 1;
      },
      onSocketClosed: () => {
        this.openSockets -= 1;
        if (this.openSockets === 0) this.allClosed?.();
      },
    });
  }

  protected release(): Promise<void> {
    if (this.openSockets === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.allClosed = resolve;
    });
  }
}

