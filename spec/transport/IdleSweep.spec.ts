import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { VirtualTimeScheduler, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { IdleSweep, type IdleTracked } from '../../lib/transport/IdleSweep.js';
import { listenTcp } from '../../lib/transport/listenTcp.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';

/** A watched connection that records when (virtual ms) it was closed. */
function tracked(scheduler: TestScheduler, closedAt: number[]): IdleTracked {
  return { activeTick: 0, closeIdle: () => closedAt.push(scheduler.now()) };
}

describe('IdleSweep', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('closes a connection silent since it was tracked 9/8 of the timeout later (one sweep per eighth)', () => {
    scheduler.run(({ flush }) => {
      const closedAt: number[] = [];
      const sweep = new IdleSweep(800, scheduler);
      sweep.track(tracked(scheduler, closedAt));
      flush();
      expect(closedAt).to.deep.equal([900]);
    });
  });

  it('never closes one sooner than the timeout after its last activity, nor more than an eighth later', () => {
    scheduler.run(({ flush }) => {
      const closedAt: number[] = [];
      const sweep = new IdleSweep(800, scheduler);
      const connection = tracked(scheduler, closedAt);
      sweep.track(connection);
      sweep.track(tracked(scheduler, [])); // keeps the sweep running
      // Active at 150 ms (tick 1, the sweep at 100 ms done) and at 799 ms (tick 7).
      scheduler.schedule(() => (connection.activeTick = sweep.tick), 150);
      scheduler.schedule(() => (connection.activeTick = sweep.tick), 799);
      flush();
      // Tick 7 covers [700, 800): closed at the sweep of 1600 ms, 801 ms after 799 (<= 900 after 700).
      expect(closedAt).to.deep.equal([1600]);
    });
  });

  it('keeps a connection active at least every timeout, and runs no timer once none is watched', () => {
    scheduler.run(() => {
      const closedAt: number[] = [];
      const sweep = new IdleSweep(800, scheduler);
      const connection = tracked(scheduler, closedAt);
      sweep.track(connection);
      for (let at = 700; at <= 7000; at += 700) scheduler.schedule(() => (connection.activeTick = sweep.tick), at);
      scheduler.schedule(() => sweep.untrack(connection), 7050);
      scheduler.flush();
      expect(closedAt).to.deep.equal([]);
      expect(scheduler.now()).to.equal(7050); // the untrack was the last action: no sweep was left scheduled
    });
  });

  it('close() forgets every connection and stops sweeping', () => {
    scheduler.run(() => {
      const closedAt: number[] = [];
      const sweep = new IdleSweep(800, scheduler);
      sweep.track(tracked(scheduler, closedAt));
      scheduler.schedule(() => sweep.close(), 500);
      scheduler.flush();
      expect(closedAt).to.deep.equal([]);
      expect(scheduler.now()).to.equal(500);
    });
  });
});

describe('listenTcp idleTimeoutMs (IdleSweep over real sockets, virtual time)', () => {
  const open = (port: number): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });
  const closed = (socket: Socket): Promise<void> => new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('closes a connection silent both ways, and counts its reads and writes as activity', async () => {
    const scheduler = new VirtualTimeScheduler();
    const accepted: TcpConnection[] = [];
    let subscription: Subscription | undefined;
    const port = await new Promise<number>((resolve) => {
      subscription = listenTcp({ port: 0, idleTimeoutMs: 800, scheduler, onListening: (address) => resolve(address.port) }).subscribe((c) => {
        accepted.push(c);
        c.data$.subscribe((chunk) => c.send(chunk)); // an echo: a read, then a write
      });
    });
    try {
      const quiet = await open(port);
      const talker = await open(port);
      while (accepted.length < 2) await turn(); // both tracked at tick 0
      const advanceTo = async (ms: number): Promise<void> => {
        scheduler.maxFrames = ms;
        scheduler.flush();
        await turn();
      };
      await advanceTo(400); // ticks 1-4
      await new Promise((resolve) => {
        talker.once('data', resolve);
        talker.write('x');
      }); // the talker is active at tick 4
      await advanceTo(800);
      expect([quiet.destroyed, talker.destroyed]).to.deep.equal([false, false]);
      await advanceTo(900); // tick 9: the quiet one, silent since tick 0, goes
      await closed(quiet);
      await advanceTo(1200);
      expect(talker.destroyed).to.equal(false);
      await advanceTo(1300); // tick 13: the talker, silent since tick 4, goes
      await closed(talker);
    } finally {
      subscription?.unsubscribe();
    }
  });
});
