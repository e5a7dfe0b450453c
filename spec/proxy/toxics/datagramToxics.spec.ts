import { expect } from 'chai';
import { from, of } from 'rxjs';
import { seededRandom as seeded } from '../../helpers/udpPeer.js';
import { corrupt } from '../../../lib/proxy/toxics/corrupt.js';
import { datagramBandwidth } from '../../../lib/proxy/toxics/datagramBandwidth.js';
import { datagramLatency } from '../../../lib/proxy/toxics/datagramLatency.js';
import { duplicate } from '../../../lib/proxy/toxics/duplicate.js';
import { reorder } from '../../../lib/proxy/toxics/reorder.js';
import { chunks, marbleScheduler, rolls } from './marbleKit.js';

describe('UDP toxics (per datagram)', () => {
  it('datagramLatency delays each datagram on its own, so jitter may reorder them', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' a-b---|');
      // latency 3, jitter 2: a +1 (4 ms, out at 4); b -2 (1 ms, out at 3)
      expectObservable(source.pipe(datagramLatency({ latency: 3, jitter: 2, random: rolls(0.99, 0) }))).toBe('---ba-|');
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('duplicate sends a datagram twice when its roll is below rate', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(' -a---b-|').pipe(duplicate({ rate: 0.5, random: rolls(0.1, 0.9) }))).toBe('-(aa)b-|');
    });
  });

  it('reorder holds a datagram until gap later ones have passed', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' a-b-c---d-|');
      // a held (0.1), b passes, c passes -> a goes after c (gap 2); d passes
      expectObservable(source.pipe(reorder({ rate: 0.5, gap: 2, random: rolls(0.1, 0.9, 0.9, 0.9) }))).toBe('--b-(ca)d-|');
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('reorder lets a held datagram go after delay ms when no other comes, and at completion', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(' a-------|').pipe(reorder({ rate: 1, gap: 1, delay: 5, random: rolls(0) }))).toBe('-----a--|');
      expectObservable(cold(' a-|').pipe(reorder({ rate: 1, gap: 1, delay: 5, random: rolls(0) }))).toBe('--(a|)');
    });
  });

  it('corrupt flips `bytes` bytes of a datagram whose roll is below rate, on a copy', () => {
    const original = Buffer.from('abcd');
    const out: Buffer[] = [];
    // roll 0.1 corrupts; offset floor(0.5 * 4) = 2, flip 1 + floor(0 * 255) = 1: 'c' ^ 1 = 'b'; 0.9 spares 'xy'
    of(original, Buffer.from('xy'))
      .pipe(corrupt({ rate: 0.5, bytes: 1, random: rolls(0.1, 0.5, 0, 0.9) }))
      .subscribe((value) => out.push(value));
    expect(out.map(String)).to.deep.equal(['abbd', 'xy']);
    expect(original.toString()).to.equal('abcd');
  });

  it('datagramBandwidth spaces datagrams by their size / rate and never cuts one', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const values = chunks({ a: 'abc', b: 'def' });
      expectObservable(cold(' (ab)--|', values).pipe(datagramBandwidth({ rate: 1 }))).toBe('---a--(b|)', values);
    });
  });

  it('duplicates and corrupts close to their rates over many datagrams (seeded, 10000 each)', () => {
    const datagrams = Array.from({ length: 10000 }, (_, i) => Buffer.from(`datagram ${i}`));
    let duplicated = 0;
    from(datagrams).pipe(duplicate({ rate: 0.2, random: seeded(3) })).subscribe(() => (duplicated += 1));
    expect(duplicated - 10000).to.be.within(1800, 2200);
    let changed = 0;
    let index = 0;
    from(datagrams).pipe(corrupt({ rate: 0.3, random: seeded(5) })).subscribe((out) => {
      if (!out.equals(datagrams[index] ?? Buffer.alloc(0))) changed += 1;
      index += 1;
    });
    expect(changed).to.be.within(2800, 3200);
  });
});
