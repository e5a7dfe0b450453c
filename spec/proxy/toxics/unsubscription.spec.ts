import { mergeMap, of, type MonoTypeOperatorFunction } from 'rxjs';
import { bandwidth } from '../../../lib/proxy/toxics/bandwidth.js';
import { corrupt } from '../../../lib/proxy/toxics/corrupt.js';
import { datagramBandwidth } from '../../../lib/proxy/toxics/datagramBandwidth.js';
import { datagramLatency } from '../../../lib/proxy/toxics/datagramLatency.js';
import { datagramLimitData } from '../../../lib/proxy/toxics/datagramLimitData.js';
import { duplicate } from '../../../lib/proxy/toxics/duplicate.js';
import { latency } from '../../../lib/proxy/toxics/latency.js';
import { limitData } from '../../../lib/proxy/toxics/limitData.js';
import { noop } from '../../../lib/proxy/toxics/noop.js';
import { packetLoss } from '../../../lib/proxy/toxics/packetLoss.js';
import { reorder } from '../../../lib/proxy/toxics/reorder.js';
import { resetPeer } from '../../../lib/proxy/toxics/resetPeer.js';
import { slicer } from '../../../lib/proxy/toxics/slicer.js';
import { slowClose } from '../../../lib/proxy/toxics/slowClose.js';
import { timeout } from '../../../lib/proxy/toxics/timeout.js';
import { chunks, marbleScheduler } from './marbleKit.js';

/** Every toxic operator, set to hold or pass data for a while, so an early unsubscribe cuts it short. */
const TOXICS: Readonly<Record<string, () => MonoTypeOperatorFunction<Buffer>>> = {
  latency: () => latency({ latency: 3 }),
  bandwidth: () => bandwidth({ rate: 1 }),
  slicer: () => slicer({ averageSize: 1, delay: 1000 }),
  slowClose: () => slowClose({ delay: 5 }),
  timeout: () => timeout({ timeout: 20 }),
  resetPeer: () => resetPeer({ timeout: 20 }),
  limitData: () => limitData({ bytes: 100 }),
  packetLoss: () => packetLoss({ lossRate: 0, random: () => 0.5 }),
  noop: () => noop(),
  datagramLatency: () => datagramLatency({ latency: 3 }),
  datagramBandwidth: () => datagramBandwidth({ rate: 1 }),
  datagramLimitData: () => datagramLimitData({ bytes: 100 }),
  duplicate: () => duplicate({ rate: 0, random: () => 0.5 }),
  reorder: () => reorder({ rate: 1, gap: 5, random: () => 0 }),
  corrupt: () => corrupt({ rate: 0, random: () => 0.5 }),
};

describe('every toxic operator (unsubscription)', () => {
  for (const [name, toxic] of Object.entries(TOXICS)) {
    describe(name, () => {
      it('should allow unsubscribing explicitly and early', () => {
        marbleScheduler().run(({ cold, expectObservable, expectSubscriptions, flush }) => {
          const source = cold(' --a--b--c--|', chunks({ a: 'aa', b: 'bb', c: 'cc' }));
          const unsub = '       ^---!';
          const outcome = source.pipe(toxic());
          expectObservable(outcome, unsub);
          expectSubscriptions(source.subscriptions).toBe(unsub);
          flush();
        });
      });

      it('should not break unsubscription chain when unsubscribed explicitly', () => {
        marbleScheduler().run(({ cold, expectSubscriptions, expectObservable }) => {
          const source = cold(' --a--b--c--|', chunks({ a: 'aa', b: 'bb', c: 'cc' }));
          const unsub = '       ^---!';
          const outcome = source.pipe(
            mergeMap((x) => of(x)),
            toxic(),
            mergeMap((x) => of(x)),
          );
          expectObservable(outcome, unsub);
          expectSubscriptions(source.subscriptions).toBe(unsub);
        });
      });
    });
  }
});
