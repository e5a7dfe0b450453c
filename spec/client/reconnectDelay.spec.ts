import { expect } from 'chai';
import { reconnectDelay } from '../../lib/client/reconnectDelay.js';

describe('reconnectDelay', () => {
  const schedule = { initial: 100, factor: 2, max: 2000 };

  it('waits initial * factor^(failures - 1) and gives up once that exceeds max', () => {
    const waits = [1, 2, 3, 4, 5, 6].map((failures) => reconnectDelay(failures, 0, schedule));
    expect(waits).to.deep.equal([100, 200, 400, 800, 1600, undefined]);
  });

  it('keeps a wait equal to max', () => {
    expect(reconnectDelay(3, 0, { initial: 50, factor: 2, max: 200 })).to.equal(200);
    expect(reconnectDelay(4, 0, { initial: 50, factor: 2, max: 200 })).to.equal(undefined);
  });

  it('waits the same each time with factor 1', () => {
    expect([1, 2, 10].map((n) => reconnectDelay(n, 0, { initial: 30, factor: 1, max: 30 }))).to.deep.equal([30, 30, 30]);
  });

  it('gives up after maxAttempts failed attempts', () => {
    const options = { ...schedule, maxAttempts: 3 };
    expect([1, 2, 3].map((n) => reconnectDelay(n, 0, options))).to.deep.equal([100, 200, undefined]);
  });

  it('gives up when the next attempt would start after maxElapsed', () => {
    const options = { ...schedule, maxElapsed: 700 };
    expect(reconnectDelay(3, 300, options)).to.equal(400);
    expect(reconnectDelay(3, 301, options)).to.equal(undefined);
  });

  it('gives up at once when max is below initial (no reconnect)', () => {
    expect(reconnectDelay(1, 0, { initial: 100, factor: 2, max: 0 })).to.equal(undefined);
  });
});
