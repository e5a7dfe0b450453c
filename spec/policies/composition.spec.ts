import { expect } from 'chai';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { constantBackoff } from '../../lib/policies/backoff/constantBackoff.js';
import { backoffRetry } from '../../lib/policies/backoffRetry.js';
import type { Breaker } from '../../lib/policies/breakers/Breaker.js';
import { consecutiveBreaker } from '../../lib/policies/breakers/consecutiveBreaker.js';
import { bulkhead } from '../../lib/policies/bulkhead.js';
import { circuitBreaker } from '../../lib/policies/circuitBreaker.js';
import { CIRCUIT_CLOSED, CIRCUIT_OPEN } from '../../lib/policies/CircuitState.js';
import { replyTimeout } from '../../lib/policies/replyTimeout.js';
import { drive, systemError } from './helpers.js';

/** A consecutiveBreaker that also records what it was told, in order. */
function recording(threshold: number): Breaker & { told: string[] } {
  const inner = consecutiveBreaker(threshold);
  const told: string[] = [];
  return {
    told,
    success: (state, now) => {
      told.push(`success at ${now}`);
      inner.success(state, now);
    },
    failure: (state, now) => {
      told.push(`failure at ${now}`);
      return inner.failure(state, now);
    },
  };
}

const STATES = { c: CIRCUIT_CLOSED, o: CIRCUIT_OPEN };

// The order of effects of docs/policies.md, "Composing policies". In a pipe the first operator
// is the innermost: `source.pipe(retry, breaker, bulkhead)` is retry inside breaker inside bulkhead.
describe('policies composed (docs/policies.md)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('retry inside circuitBreaker inside bulkhead: a slot per request with its retries, one breaker outcome per request', () => {
    const breaker = recording(1);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const server = cold(' -'); // never answers
      const requests = cold('abc|');
      // a: attempts at 0 and 3 time out at 2 and 5; it gives up at 5 (T) and the circuit opens.
      // b: waits in the queue for a's slot, starts at 5 and is refused by the open circuit (B).
      // c: finds a running and b queued: refused by the bulkhead at once (R).
      const serversubs = [' ^-!', ' ---^-!'];
      const expected = '    --R--(BT|)';
      const states = '      c----o';
      const circuit = circuitBreaker({ breaker, halfOpenAfter: 100, scheduler: testScheduler });
      const limited = bulkhead({ limit: 1, queue: 1 });
      const policy = (request$: Observable<string>): Observable<string> =>
        request$.pipe(
          replyTimeout({ ms: 2, scheduler: testScheduler }),
          backoffRetry({ backoff: constantBackoff(1, { maxRetries: 1 }), scheduler: testScheduler }),
          circuit,
          limited,
        );
      expectObservable(drive(requests, { a: server, b: server, c: server }, policy)).toBe(expected);
      expectObservable(circuit.state$).toBe(states, STATES);
      expectSubscriptions(server.subscriptions).toBe(serversubs);
    });
    expect(breaker.told, 'one outcome for the request, not one per attempt').to.deep.equal(['failure at 5']);
  });

  it('bulkhead inside circuitBreaker inside retry: a slot per attempt, every attempt counted, no retry against the open circuit', () => {
    const breaker = recording(3);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const server = cold(' -#', undefined, systemError('ECONNRESET'));
      const requests = cold('a-b|');
      // a1 fails at 1 (1st failure); b takes the free slot at 2 while a waits, b1 fails at 3 (2nd);
      // a2 fails at 5 (3rd): open. b2 at 6 and a3 at 8 are refused (B) and not retried: a
      // BrokenCircuitError is not transient (cockatiel issue #83).
      const serversubs = [' ^!', ' --^!', ' ----^!'];
      const expected = '    ------B-(B|)';
      const states = '      c----o';
      const circuit = circuitBreaker({ breaker, halfOpenAfter: 100, scheduler: testScheduler });
      const limited = bulkhead({ limit: 1 });
      const policy = (request$: Observable<string>): Observable<string> =>
        request$.pipe(limited, circuit, backoffRetry({ backoff: constantBackoff(3, { maxRetries: 3 }), scheduler: testScheduler }));
      expectObservable(drive(requests, { a: server, b: server }, policy)).toBe(expected);
      expectObservable(circuit.state$).toBe(states, STATES);
      expectSubscriptions(server.subscriptions).toBe(serversubs);
    });
    expect(breaker.told, 'one outcome per attempt').to.deep.equal(['failure at 1', 'failure at 3', 'failure at 5']);
  });
});
