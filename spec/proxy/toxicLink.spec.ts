import { expect } from 'chai';
import sinon from 'sinon';
import type { ToxicRecord } from '../../lib/proxy/ToxicRecord.js';
import { toxicLink } from '../../lib/proxy/toxicLink.js';
import { chunks, marbleScheduler } from './toxics/marbleKit.js';

/** Marble values a, b, c as one-letter chunks. */
const V = chunks({ a: 'a', b: 'b', c: 'c' });

/** A downstream toxic record. */
function toxic(type: string, attributes: Record<string, number>, toxicity = 1): ToxicRecord {
  return { attributes, name: `${type}_downstream`, type, stream: 'downstream', toxicity };
}

const LATENCY_2 = [toxic('latency', { latency: 2, jitter: 0 })];

describe('toxicLink', () => {
  it('runs chunks through the current toxics and swaps them live, in order', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const toxics$ = cold(' L--------N', { L: LATENCY_2, N: [] });
      const source = cold('  -a--b------c--|', V);
      const expected = '     ---a--b----c--|';
      expectObservable(source.pipe(toxicLink({ protocol: 'tcp', toxics$, random: () => 0 }))).toBe(expected, V);
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
  });

  it('lets what the old toxics delay go first, holding reading while they drain', () => {
    const releases: sinon.SinonSpy[] = [];
    const hold = (): (() => void) => {
      const release = sinon.spy();
      releases.push(release);
      return release;
    };
    marbleScheduler().run(({ cold, expectObservable }) => {
      const toxics$ = cold(' L-N', { L: [toxic('latency', { latency: 5, jitter: 0 })], N: [] });
      const source = cold('  a-b-------|', V);
      expectObservable(source.pipe(toxicLink({ protocol: 'tcp', toxics$, hold, random: () => 0 }))).toBe('-----(ab)-|', V);
    });
    expect(releases).to.have.length(1);
    expect(releases[0]?.callCount).to.equal(1);
  });

  it('drops a pipeline that holds nothing at once when the toxics change', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const toxics$ = cold(' T--N', { T: [toxic('timeout', { timeout: 0 })], N: [] });
      expectObservable(cold(' a--b-|', V).pipe(toxicLink({ protocol: 'tcp', toxics$, random: () => 0 }))).toBe('---b-|', V);
    });
  });

  it('skips a toxic whose toxicity roll fails for this link (toxicity 0 never applies)', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const toxics$ = cold(' T', { T: [toxic('timeout', { timeout: 0 }, 0)] });
      expectObservable(cold(' a-b-|', V).pipe(toxicLink({ protocol: 'tcp', toxics$, random: () => 0 }))).toBe('a-b-|', V);
    });
  });

  it('completes when a toxic ends the stream (limit_data), not only when the source does', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const toxics$ = cold(' D', { D: [toxic('limit_data', { bytes: 2 })] });
      const values = { a: Buffer.from('x'), b: Buffer.from('yz'), y: Buffer.from('y') };
      const source = cold('  a-b-a-|', values);
      expectObservable(source.pipe(toxicLink({ protocol: 'tcp', toxics$ }))).toBe('a-(y|)', values);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('keeps limit_data counting across a swap that keeps it', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const limit = toxic('limit_data', { bytes: 2 });
      const toxics$ = cold(' D-E', { D: [limit], E: [limit, toxic('noop', {})] });
      const values = { a: Buffer.from('x'), b: Buffer.from('y') };
      expectObservable(cold(' a--b-a-|', values).pipe(toxicLink({ protocol: 'tcp', toxics$ }))).toBe('a--(b|)', values);
    });
  });

  it('uses the datagram operators for udp (latency with jitter may reorder)', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const rolls = [0, 0.99, 0]; // toxicity roll, then a's jitter (+1), b's jitter (-2)
      const random = (): number => rolls.shift() ?? 0;
      const toxics$ = cold(' L', { L: [toxic('latency', { latency: 3, jitter: 2 })] });
      expectObservable(cold(' ab----|', V).pipe(toxicLink({ protocol: 'udp', toxics$, random }))).toBe('--b-a-|', V);
    });
  });

  it('holds reading while the delaying toxics hold more than maxHeldBytes, and lets go once below', () => {
    const events: string[] = [];
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const hold = (): (() => void) => {
        events.push(`hold@${scheduler.now()}`);
        return () => events.push(`release@${scheduler.now()}`);
      };
      const toxics$ = cold(' L', { L: [toxic('latency', { latency: 5, jitter: 0 })] });
      const source = cold('  abc----|', V);
      expectObservable(source.pipe(toxicLink({ protocol: 'tcp', toxics$, hold, maxHeldBytes: 2, random: () => 0 }))).toBe('-----ab(c|)', V);
    });
    expect(events).to.deep.equal(['hold@2', 'release@5']);
  });
});
