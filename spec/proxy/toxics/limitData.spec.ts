import { datagramLimitData } from '../../../lib/proxy/toxics/datagramLimitData.js';
import { limitData } from '../../../lib/proxy/toxics/limitData.js';
import { chunks, marbleScheduler } from './marbleKit.js';
import { expect } from 'chai';
import { of, lastValueFrom, toArray } from 'rxjs';

describe('limit_data (toxic)', () => {
  it('passes bytes up to the limit, cuts the chunk that crosses it, then completes', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' -a--b--c-|', chunks({ a: 'hello', b: 'world', c: '!' }));
      expectObservable(source.pipe(limitData({ bytes: 7 }))).toBe('-a--(w|)', chunks({ a: 'hello', w: 'wo' }));
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('with bytes 0 completes on the first chunk', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(' --a-|', chunks({ a: 'x' })).pipe(limitData({ bytes: 0 }))).toBe('--|');
    });
  });

  it('counts across pipelines that share its state (a toxic change keeps the count)', async () => {
    const state = { transmitted: 0 };
    const first = await lastValueFrom(of(Buffer.from('abc')).pipe(limitData({ bytes: 5, state }), toArray()));
    const second = await lastValueFrom(of(Buffer.from('defg')).pipe(limitData({ bytes: 5, state }), toArray()));
    expect(Buffer.concat([...first, ...second]).toString()).to.equal('abcde');
    expect(state.transmitted).to.equal(5);
  });

  describe('datagramLimitData', () => {
    it('passes whole datagrams while they fit; the first that does not completes', () => {
      marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const values = chunks({ a: 'abc', b: 'def', c: 'ghi' });
        const source = cold(' -a-b-c-|', values);
        expectObservable(source.pipe(datagramLimitData({ bytes: 7 }))).toBe('-a-b-|', values);
        expectSubscriptions(source.subscriptions).toBe('^----!');
      });
    });
  });
});
