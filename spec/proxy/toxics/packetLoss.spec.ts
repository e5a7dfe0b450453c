import { expect } from 'chai';
import { lastValueFrom, range, toArray } from 'rxjs';
import { packetLoss } from '../../../lib/proxy/toxics/packetLoss.js';
import { noop } from '../../../lib/proxy/toxics/noop.js';
import { seededRandom as seeded } from '../../helpers/udpPeer.js';
import { marbleScheduler, rolls } from './marbleKit.js';

describe('packet_loss (toxic)', () => {
  it('drops a value whose roll is below loss_rate, or below loss_rate + correlation after a drop', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' -a-b-c-d-|');
      // 0.05 < 0.1: a dropped; 0.3 < 0.6: b dropped (burst); 0.9 passes; 0.3 >= 0.1: d passes
      const random = rolls(0.05, 0.3, 0.9, 0.3);
      expectObservable(source.pipe(packetLoss({ lossRate: 0.1, correlation: 0.5, random }))).toBe('-----c-d-|');
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('defaults to a loss rate of 0.1 and no correlation, as toxiproxy', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(' abc|').pipe(packetLoss({ random: rolls(0.09, 0.1, 0.09) }))).toBe('-b-|');
    });
  });

  it('drops close to loss_rate of many values (seeded, 10000 values, rate 0.3)', async () => {
    const passed = await lastValueFrom(range(0, 10000).pipe(packetLoss({ lossRate: 0.3, random: seeded(42) }), toArray()));
    expect(1 - passed.length / 10000).to.be.within(0.28, 0.32);
  });

  it('makes longer bursts with correlation (mean burst length 1 / (1 - loss_rate - correlation))', async () => {
    const kept = new Set(await lastValueFrom(range(0, 20000).pipe(packetLoss({ lossRate: 0.2, correlation: 0.6, random: seeded(7) }), toArray())));
    let bursts = 0;
    let lost = 0;
    for (let i = 0; i < 20000; i += 1) {
      if (kept.has(i)) continue;
      lost += 1;
      if (i === 0 || kept.has(i - 1)) bursts += 1;
    }
    expect(lost / bursts).to.be.within(4.6, 5.4); // a burst goes on with p 0.8: 1 / (1 - 0.8) = 5 values
  });

  it('rejects a loss rate outside 0-1', () => {
    expect(() => packetLoss({ lossRate: 1.5 })).to.throw('Invalid loss_rate "1.5" (expected a number from 0 to 1)');
  });

  it('noop passes everything as it came', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(' -a-b-|').pipe(noop())).toBe('-a-b-|');
    });
  });
});
