import { expect } from 'chai';
import { ReadBudget, type QueuedReader } from '../../lib/transport/ReadBudget.js';

/** Turns of the event loop by hand: `nextTurn` queues a task, `turn()` runs what was queued. */
function manualTurns(): { nextTurn: (task: () => void) => () => void; turn: () => void; queued: () => number } {
  let tasks: Array<() => void> = [];
  return {
    nextTurn: (task) => {
      tasks.push(task);
      return () => {
        tasks = tasks.filter((t) => t !== task);
      };
    },
    turn: () => {
      const due = tasks;
      tasks = [];
      for (const task of due) task();
    },
    queued: () => tasks.length,
  };
}

/** A reader holding `bytes`; records the slices it was given and queues itself again while it holds more. */
function reader(name: string, bytes: number, budget: () => ReadBudget, log: string[], ready = () => true): QueuedReader & { left: number } {
  const self = {
    left: bytes,
    readSlice(maxBytes: number): number {
      if (!ready()) return 0;
      const slice = Math.min(maxBytes, self.left);
      self.left -= slice;
      log.push(`${name}${slice}`);
      if (self.left > 0) budget().enqueue(self);
      return slice;
    },
  };
  return self;
}

describe('ReadBudget', () => {
  describe('#take', () => {
    it('grants bytes just read while this turn lasts, then refuses them until the next turn', () => {
      const turns = manualTurns();
      const budget = new ReadBudget({ freshBytesPerTurn: 1000, nextTurn: turns.nextTurn });
      expect([budget.take(600), budget.take(300), budget.take(200), budget.take(1)]).to.deep.equal([true, true, true, false]);
      turns.turn();
      expect(budget.take(1)).to.equal(true);
    });

    it('schedules no turn while under half the budget is spent (one request a read costs no extra turn), then one, however many reads it grants', () => {
      const turns = manualTurns();
      const budget = new ReadBudget({ freshBytesPerTurn: 1000, nextTurn: turns.nextTurn });
      for (let i = 0; i < 49; i += 1) budget.take(10);
      expect(turns.queued(), 'light traffic: no turn').to.equal(0);
      budget.take(10); // 500: half spent
      budget.take(10);
      budget.take(10);
      expect(turns.queued()).to.equal(1);
      turns.turn();
      expect(turns.queued(), 'nothing waits, no further turn').to.equal(0);
      expect([budget.take(999), budget.take(1), budget.take(1)], 'a fresh budget after the turn').to.deep.equal([true, true, false]);
    });

    it('never grants more than freshBytesPerTurn in one turn: bytes of earlier turns count against it until it is renewed', () => {
      const turns = manualTurns();
      const budget = new ReadBudget({ freshBytesPerTurn: 1000, nextTurn: turns.nextTurn });
      budget.take(400); // an earlier turn: under half, no renewal scheduled
      expect([budget.take(500), budget.take(100), budget.take(1)]).to.deep.equal([true, true, false]);
    });
  });

  describe('#enqueue', () => {
    it('serves waiting readers round-robin, one slice each in turn, at most bytesPerTurn per turn', () => {
      const turns = manualTurns();
      const log: string[] = [];
      const budget = new ReadBudget({ bytesPerTurn: 3000, maxSliceBytes: 1000, minSliceBytes: 1000, nextTurn: turns.nextTurn });
      const a = reader('a', 2500, () => budget, log);
      const b = reader('b', 1500, () => budget, log);
      const c = reader('c', 800, () => budget, log);
      budget.enqueue(a);
      budget.enqueue(b);
      budget.enqueue(c);
      turns.turn();
      expect(log).to.deep.equal(['a1000', 'b1000', 'c800', 'a200']);
      log.length = 0;
      turns.turn();
      expect(log).to.deep.equal(['b500', 'a1000', 'a300']);
      expect([a.left, b.left, c.left]).to.deep.equal([0, 0, 0]);
      expect(turns.queued()).to.equal(0);
    });

    it('gives each waiting reader bytesPerTurn / waiting, within minSliceBytes and maxSliceBytes', () => {
      const turns = manualTurns();
      const log: string[] = [];
      const budget = new ReadBudget({ bytesPerTurn: 4096, maxSliceBytes: 2048, minSliceBytes: 256, nextTurn: turns.nextTurn });
      const many = Array.from({ length: 32 }, (_, i) => reader(`r${i}:`, 100_000, () => budget, log));
      for (const r of many) budget.enqueue(r);
      turns.turn();
      // 4096 / 32 = 128, raised to the 256 minimum: 16 readers get a slice this turn, the others next turn.
      expect(log).to.have.length(16);
      expect(new Set(log.map((entry) => entry.split(':')[1]))).to.deep.equal(new Set(['256']));
      log.length = 0;
      turns.turn();
      expect(log[0]).to.equal('r16:256');
      const two = new ReadBudget({ bytesPerTurn: 4096, maxSliceBytes: 2048, minSliceBytes: 256, nextTurn: turns.nextTurn });
      const twoLog: string[] = [];
      two.enqueue(reader('x', 100_000, () => two, twoLog));
      two.enqueue(reader('y', 100_000, () => two, twoLog));
      turns.turn();
      // 4096 / 2 = 2048 each, which spends the turn's budget.
      expect(twoLog).to.deep.equal(['x2048', 'y2048']);
    });

    it('ends a turn of readers that can hand on nothing (each slice costs the budget at least 64 bytes)', () => {
      const turns = manualTurns();
      const budget = new ReadBudget({ bytesPerTurn: 640, nextTurn: turns.nextTurn });
      let calls = 0;
      const stuck: QueuedReader = {
        readSlice: () => {
          calls += 1;
          budget.enqueue(stuck); // a misbehaving reader that always queues itself again
          return 0;
        },
      };
      budget.enqueue(stuck);
      turns.turn();
      expect(calls).to.equal(10);
      expect(turns.queued(), 'it still waits for the next turn').to.equal(1);
    });

    it('hands no turn to a reader that cannot go on, until it queues itself again', () => {
      const turns = manualTurns();
      const log: string[] = [];
      let ready = false;
      const budget = new ReadBudget({ bytesPerTurn: 32 * 1024, nextTurn: turns.nextTurn });
      const held = reader('h', 10_000, () => budget, log, () => ready);
      budget.enqueue(held);
      turns.turn();
      expect(log).to.deep.equal([]);
      expect(budget.waiting).to.equal(0);
      ready = true;
      budget.enqueue(held);
      turns.turn();
      expect(log.join('')).to.match(/^h4096h4096h1808$/);
    });
  });

  describe('#close', () => {
    it('forgets every waiting reader and cancels the coming turn', () => {
      const turns = manualTurns();
      const log: string[] = [];
      const budget = new ReadBudget({ nextTurn: turns.nextTurn });
      budget.enqueue(reader('a', 100, () => budget, log));
      budget.close();
      expect(turns.queued()).to.equal(0);
      expect(budget.waiting).to.equal(0);
      turns.turn();
      expect(log).to.deep.equal([]);
    });

    it('does not throw if called multiple times', () => {
      const budget = new ReadBudget();
      budget.close();
      budget.close();
      budget.close();
    });
  });
});
