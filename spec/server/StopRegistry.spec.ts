import { expect } from 'chai';
import { Subject } from 'rxjs';
import { StopRegistry } from '../../lib/server/StopRegistry.js';

describe('StopRegistry, one stop$ subscription for all connections (issue 12)', () => {
  it('calls every waiting connection once at the stop, and a later one at once', () => {
    const stop$ = new Subject<void>();
    const stops = new StopRegistry(stop$);
    const calls: string[] = [];
    stops.add(() => calls.push('a'));
    const forgetB = stops.add(() => calls.push('b'));
    stops.add(() => calls.push('c'));
    forgetB();
    expect(stop$.observed).to.equal(true);
    stop$.next();
    stop$.next();
    expect(calls).to.deep.equal(['a', 'c']);
    stops.add(() => calls.push('late'));
    expect(calls).to.deep.equal(['a', 'c', 'late']);
    stops.dispose();
  });

  it('does not subscribe before the first connection, and unsubscribes and starts afresh on dispose', () => {
    const stop$ = new Subject<void>();
    const stops = new StopRegistry(stop$);
    expect(stop$.observed).to.equal(false);
    const calls: string[] = [];
    stops.add(() => calls.push('a'));
    stops.dispose();
    expect(stop$.observed).to.equal(false);
    stop$.next();
    expect(calls).to.deep.equal([]);
    stops.add(() => calls.push('b'));
    stop$.next();
    expect(calls).to.deep.equal(['b']);
    stops.dispose();
  });

  it('never calls anyone without a stop$', () => {
    const stops = new StopRegistry(undefined);
    let called = false;
    stops.add(() => (called = true))();
    expect(called).to.equal(false);
  });
});
