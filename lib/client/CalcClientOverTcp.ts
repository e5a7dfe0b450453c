import { defer, map, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { RxnetInvalidOptionError, RxnetProtocolError } from '../errors.js';
import { retryWithBackoff } from '../operators/retryWithBackoff.js';
import { parseReply } from '../protocol/parseReply.js';
import type { CalcReply } from '../protocol/types.js';
import type { CalcClientOptions } from './calcClientOptions.js';
import { CalcClientBase } from './CalcClientBase.js';
import { createTcpClient, type TcpClient } from './tcpClient.js';

/** A calc client over the sessions of one createTcpClient, one attempt per subscription. Internal; see createCalcClient. */
export class CalcClientOverTcp extends CalcClientBase {
  readonly address: string;
  private readonly tcp: TcpClient;
  private readonly policy: MonoTypeOperatorFunction<string>;

  constructor(options: Readonly<CalcClientOptions>) {
    super(options);
    this.tcp = withPrefix('tcp', () => createTcpClient({ ...options.tcp, host: options.host, port: options.port }));
    this.address = this.tcp.address;
    this.policy = retryWithBackoff<string>(options.retry);
  }

  connect(): Promise<void> {
    return this.tcp.connect();
  }

  protected send(line: string): Observable<CalcReply> {
    let attempt = 0;
    return defer(() => {
      attempt += 1;
      this.options.onAttempt?.(line, attempt);
      return this.tcp.request(line);
    }).pipe(this.policy, map(toReply));
  }

  protected release(): Promise<void> {
    return this.tcp.close();
  }
}

/** Runs `create`, naming a bad option `prefix.option` in the error it throws. */
function withPrefix<T>(prefix: string, create: () => T): T {
  try {
    return create();
  } catch (err) {
    if (!(err instanceof RxnetInvalidOptionError) || err.info.option === 'host' || err.info.option === 'port') throw err;
    const option = `${prefix}.${err.info.option}`;
    throw new RxnetInvalidOptionError({ ...err.info, option }, err.message.startsWith('Unknown option') ? `Unknown option ${option}` : undefined);
  }
}

/** A TCP reply text as a CalcReply (the TCP client already rejects malformed ones). */
function toReply(text: string): CalcReply {
  const parsed = parseReply(text);
  if (parsed.ok) return parsed.reply;
  throw new RxnetProtocolError(`Malformed reply ${parsed.reason}`, { received: text });
}
