import { expect } from 'chai';
import { lastValueFrom, toArray, VirtualTimeScheduler } from 'rxjs';
import { startServer } from '../../lib/calc/server/startServer.js';
import type { ServerStatsSnapshot } from '../../lib/server/ServerStats.js';

/** The timers of this process now (mocha's own included, so compare counts, never absolute). */
function openTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('RunningServer#stats and #close', () => {
  for (const transport of ['tcp', 'udp'] as const) {
    it(`issue 10: completes the stats stream when the ${transport.toUpperCase()} server closes, and leaves no timer`, async () => {
      const server = await startServer({ transport, port: 0 });
      const baseline = openTimers();
      const seen: ServerStatsSnapshot[] = [];
      let completed = false;
      const subscription = server.stats(10).subscribe({ next: (s) => seen.push(s), complete: () => (completed = true) });
      try {
        expect(openTimers(), 'the interval timer').to.equal(baseline + 1);
        await server.close();
        expect(completed, 'stats() completed').to.equal(true);
        expect(subscription.closed).to.equal(true);
        expect(openTimers(), 'timers after close').to.equal(baseline);
        expect(seen.length).to.be.at.least(1);
      } finally {
        subscription.unsubscribe(); // a failed run must not hang mocha
      }
    });
  }

  it('issue 10: emits on its scheduler every interval until close, then cancels the scheduled tick', async () => {
    const server = await startServer({ port: 0 });
    const scheduler = new VirtualTimeScheduler(undefined, 30);
    const at: number[] = [];
    let completed = false;
    const subscription = server.stats(10, scheduler).subscribe({ next: () => at.push(scheduler.now()), complete: () => (completed = true) });
    try {
      scheduler.flush(); // runs every tick up to frame 30
      expect(at).to.deep.equal([0, 10, 20, 30]);
      expect(scheduler.actions.length, 'the next tick is scheduled').to.equal(1);
      await server.close();
      expect(completed).to.equal(true);
      expect(scheduler.actions.filter((action) => !action.closed).length, 'no tick left scheduled').to.equal(0);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('issue 10: after close, emits one last snapshot and completes at once', async () => {
    const server = await startServer({ port: 0 });
    await server.close();
    const snapshots = await lastValueFrom(server.stats(10).pipe(toArray()));
    expect(snapshots).to.have.length(1);
    expect(snapshots[0]?.requests).to.equal(0);
  });
});
