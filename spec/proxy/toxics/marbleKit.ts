import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';

/** A TestScheduler that compares frames with chai's deep equality (Buffers by their bytes). */
export function marbleScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/** Marble values as Buffers: `chunks({ a: 'hello' })` is `{ a: Buffer.from('hello') }`. */
export function chunks(values: Record<string, string>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(values).map(([key, text]) => [key, Buffer.from(text)]));
}

/** A random source that returns `values` in order, then fails the test if asked for one more. */
export function rolls(...values: number[]): () => number {
  let next = 0;
  return () => {
    const value = values[next];
    next += 1;
    if (value === undefined) throw new Error(`random asked for roll ${next}, only ${values.length} given`);
    return value;
  };
}
