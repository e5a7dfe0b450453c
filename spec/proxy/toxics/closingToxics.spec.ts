import { expect } from 'chai';
import { ERR_RXNET_CONNECTION } from '../../../lib/errors.js';
import { connectionReset, isConnectionReset } from '../../../lib/proxy/toxics/connectionReset.js';
import { resetPeer } from '../../../lib/proxy/toxics/resetPeer.js';
import { slowClose } from '../../../lib/proxy/toxics/slowClose.js';
import { timeout } from '../../../lib/proxy/toxics/timeout.js';
import { marbleScheduler } from './marbleKit.js';

describe('slow_close, timeout and reset_peer (toxics)', () => {
  describe('slowClose', () => {
    it('passes data at once and completes delay ms after the source', () => {
      marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold(' -a-b-|');
        expectObservable(source.pipe(slowClose({ delay: 3 }))).toBe('-a-b----|');
        expectSubscriptions(source.subscriptions).toBe('^----!');
      });
    });

    it('passes an error at once', () => {
      marbleScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold(' -a-#').pipe(slowClose({ delay: 3 }))).toBe('-a-#');
      });
    });
  });

  describe('timeout', () => {
    it('drops everything and completes timeout ms after subscription', () => {
      marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold(' -a-b-c-d-');
        expectObservable(source.pipe(timeout({ timeout: 5 }))).toBe('-----|');
        expectSubscriptions(source.subscriptions).toBe('^----!');
      });
    });

    it('with timeout 0 drops everything and never completes by itself', () => {
      marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold(' -a-b-c-d-');
        expectObservable(source.pipe(timeout({ timeout: 0 })), '^-------!').toBe('--------');
        expectSubscriptions(source.subscriptions).toBe('^-------!');
      });
    });

    it('completes at once when the source completes (the peer closed)', () => {
      marbleScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold(' -a-|').pipe(timeout({ timeout: 0 }))).toBe('---|');
      });
    });
  });

  describe('resetPeer', () => {
    it('errors with a connection reset timeout ms after the first data, dropping data', () => {
      marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold(' --a-b-c-');
        expectObservable(source.pipe(resetPeer({ timeout: 3 }))).toBe('-----#', undefined, connectionReset('reset_peer'));
        expectSubscriptions(source.subscriptions).toBe('^----!');
      });
    });

    it('resets at once with timeout 0, and also when the peer only closes', () => {
      marbleScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold(' -a-').pipe(resetPeer())).toBe('-#', undefined, connectionReset('reset_peer'));
        expectObservable(cold(' --|').pipe(resetPeer({ timeout: 1 }))).toBe('---#', undefined, connectionReset('reset_peer'));
      });
    });

    it('does nothing while no data comes', () => {
      marbleScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold(' ------').pipe(resetPeer({ timeout: 1 })), '^----!').toBe('-----');
      });
    });

    it('resets with a coded error that isConnectionReset recognises', () => {
      const err = connectionReset('reset_peer');
      expect(err.code).to.equal(ERR_RXNET_CONNECTION);
      expect(err.info).to.deep.equal({ address: 'reset_peer', syscallCode: 'ECONNRESET' });
      expect(err.message).to.equal('Connection reset by the reset_peer toxic');
      expect(isConnectionReset(err)).to.equal(true);
      expect(isConnectionReset(new Error('ECONNRESET'))).to.equal(false);
    });
  });
});
