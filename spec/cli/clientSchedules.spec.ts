import { expect } from 'chai';
import { throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CLI_RECONNECT, parseClientArgs } from '../../cli/src/clientCommand.js';
import { retryWithBackoff } from '../../lib/operators/retryWithBackoff.js';
import { sessionSlot } from '../../lib/client/sessionSlot.js';
import { resolveTcpClientOptions } from '../../lib/client/tcpClientOptions.js';
import { RxnetConnectionError, RxnetTimeoutError } from '../../lib/errors.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { lineSession } from '../client/lineSession.js';

/** The retry policy a command line gives. */
function retryOf(argv: string[]) {
  const parsed = parseClientArgs(argv);
  if (parsed.help) throw new Error('help');
  return parsed.options.retry;
}

describe('the CLI client\'s schedules stay exact (issue 15: jitter is the library\'s reconnect default, not the CLI\'s)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('--timeout 0.1 --expb sends at exactly 0, 100, 300, 700 and 1500 ms and gives up at 3100 ms, whatever random gives', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const silent = cold<string>('-');
      const policy = { ...retryOf(['--udp', '--timeout', '0.1', '--expb', '+,1,1']), scheduler: testScheduler, random: () => 0.123 };
      const result = silent.pipe(retryWithBackoff<string>(policy));
      expectObservable(result).toBe('3100ms #', undefined, new RxnetTimeoutError({ attempts: 5, elapsedMs: 3100 }));
      expectSubscriptions(silent.subscriptions).toBe(['^ 99ms !', '100ms ^ 199ms !', '300ms ^ 399ms !', '700ms ^ 799ms !', '1500ms ^ 1599ms !']);
    });
  });

  it('reconnects a refused TCP connection at exactly 0, 100, 300 and 700 ms, then gives up, whatever random gives', () => {
    const reconnect = resolveTcpClientOptions({ reconnect: { ...CLI_RECONNECT, random: () => 0.9 } }).reconnect;
    expect(reconnect).to.include({ initial: 100, factor: 2, max: 400, jitter: 0 });
    const at: number[] = [];
    let failure: unknown;
    testScheduler.run(() => {
      sessionSlot({
        connect: (): Observable<TcpConnection> => {
          at.push(testScheduler.now());
          return throwError(() => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        },
        connectTimeout: 1000,
        reconnect,
        session: lineSession({ address: 'tcp://127.0.0.1:9000', maxReplyLength: 1024, replyGap: 0, isReply: () => true }),
        hooks: {},
        nextId: () => 1,
        onSocketOpened: () => {},
        onSocketClosed: () => {},
        scheduler: testScheduler,
      }).subscribe({ error: (err: unknown) => (failure = err) });
    });
    expect(at).to.deep.equal([0, 100, 300, 700]);
    expect(failure).to.be.an.instanceOf(RxnetConnectionError);
    expect((failure as Error).message).to.equal('Cannot connect to tcp://127.0.0.1:9000 after 4 attempts in 700 ms: ECONNREFUSED');
  });

  it('leaves the library default jittered: a client of no flags would not be exact', () => {
    expect(resolveTcpClientOptions().reconnect).to.include({ initial: 1000, factor: 1.6, cap: 120_000, jitter: 0.2 });
    const parsed = parseClientArgs(['+,1,1']);
    expect(parsed.help === false && parsed.options.tcp?.reconnect).to.equal(CLI_RECONNECT);
  });
});

