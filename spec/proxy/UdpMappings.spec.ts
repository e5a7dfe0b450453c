import { expect } from 'chai';
import { VirtualTimeScheduler } from 'rxjs';
import { UdpMappings } from '../../lib/proxy/UdpMappings.js';

/** A mapping that records whether it was closed. */
function mapping(): { closed: number; close(): void } {
  return {
    closed: 0,
    close() {
      this.closed += 1;
    },
  };
}

/** Advances a virtual scheduler to `ms`. */
function advanceTo(scheduler: VirtualTimeScheduler, ms: number): void {
  scheduler.maxFrames = ms;
  scheduler.flush();
}

describe('UdpMappings', () => {
  it('closes a mapping idleTimeoutMs after its last activity, not after its creation', () => {
    const scheduler = new VirtualTimeScheduler();
    const table = new UdpMappings({ idleTimeoutMs: 100, maxMappings: 10, scheduler });
    const a = mapping();
    const seen: [number, number][] = [];
    table.add('a', a);
    scheduler.schedule(() => table.touch('a'), 60);
    for (const at of [99, 101, 159, 161]) scheduler.schedule(() => seen.push([at, a.closed]), at);
    scheduler.flush();
    expect(seen).to.deep.equal([
      [99, 0],
      [101, 0],
      [159, 0],
      [161, 1],
    ]);
    expect(table.size).to.equal(0);
  });

  it('evicts the least recently active mapping past maxMappings', () => {
    const scheduler = new VirtualTimeScheduler();
    const table = new UdpMappings({ idleTimeoutMs: 1000, maxMappings: 2, scheduler });
    const [a, b, c] = [mapping(), mapping(), mapping()];
    table.add('a', a);
    table.add('b', b);
    table.touch('a');
    table.add('c', c);
    expect([a.closed, b.closed, c.closed]).to.deep.equal([0, 1, 0]);
    expect(table.get('b')).to.equal(undefined);
  });

  it('closes every mapping once on clear, and leaves no timer behind', () => {
    const scheduler = new VirtualTimeScheduler();
    const table = new UdpMappings({ idleTimeoutMs: 100, maxMappings: 10, scheduler });
    const [a, b] = [mapping(), mapping()];
    table.add('a', a);
    table.add('b', b);
    table.clear();
    table.delete('a');
    advanceTo(scheduler, 1000);
    expect([a.closed, b.closed]).to.deep.equal([1, 1]);
    expect(scheduler.actions).to.have.length(0);
  });
});
