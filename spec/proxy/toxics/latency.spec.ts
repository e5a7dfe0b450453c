import { expect } from 'chai';
import { ERR_RXNET_INVALID_OPTION, RxnetInvalidOptionError } from '../../../lib/errors.js';
import { latency } from '../../../lib/proxy/toxics/latency.js';
import { chunks, marbleScheduler, rolls } from './marbleKit.js';

describe('latency (toxic)', () => {
  it('delays every chunk by latency ms from its arrival', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('  -a--b---|', chunks({ a: 'x', b: 'y' }));
      const subs = '         ^-------!';
      const expected = '     ----a--b|';
      expectObservable(source.pipe(latency({ latency: 3 }))).toBe(expected, chunks({ a: 'x', b: 'y' }));
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('adds a jitter in [-jitter, jitter) to each delay, as toxiproxy rolls it', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      // latency 5, jitter 2: roll 0.99 -> +1 (6 ms), roll 0 -> -2 (3 ms)
      const source = cold(' a-----b-|');
      const expected = '    ------a--(b|)';
      expectObservable(source.pipe(latency({ latency: 5, jitter: 2, random: rolls(0.99, 0) }))).toBe(expected);
    });
  });

  it('keeps the order: a chunk due earlier than the one before it waits for it', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      // a: 5 + 4 = 9 ms; b: 5 - 4 = 1 ms after its arrival at 1, but a goes first, at 9
      const source = cold(' ab---|');
      const expected = '    --------(ab|)';
      expectObservable(source.pipe(latency({ latency: 5, jitter: 4, random: rolls(0.999, 0) }))).toBe(expected);
    });
  });

  it('passes an error at once, dropping what it holds', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const source = cold(' a-#');
      expectObservable(source.pipe(latency({ latency: 5 }))).toBe('--#');
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' a-b-c-|');
      const subs = '        ^--!';
      expectObservable(source.pipe(latency({ latency: 2 })), '    ^--!').toBe('--a');
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('rejects a negative latency with an invalid-option error naming it', () => {
    const err = (() => {
      try {
        latency({ latency: -1 });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(err).to.be.instanceOf(RxnetInvalidOptionError);
    expect((err as RxnetInvalidOptionError).code).to.equal(ERR_RXNET_INVALID_OPTION);
    expect((err as RxnetInvalidOptionError).message).to.equal('Invalid latency "-1" (expected a number >= 0)');
  });
});
