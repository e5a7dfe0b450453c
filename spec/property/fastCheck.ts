import fc from 'fast-check';

/**
 * The seed of every property in spec/property/: fixed, so a run is reproducible, and printed by
 * fast-check in the failure message (`{ seed: ..., path: ... }`) with the shrunk counterexample.
 * Try other seeds with `FC_SEED=123 npx mocha dist/spec/property/*.spec.js`.
 */
export const SEED = Number.parseInt(process.env['FC_SEED'] ?? '', 10) || 0x5eed;

/**
 * Runs a property `numRuns` times from {@link SEED}; throws fast-check's report (seed, path,
 * counterexample) on the first failure. Every property here is bounded: the whole directory runs
 * in well under 3 s.
 *
 * Example: `check(fc.property(fc.double(), (x) => Number.isNaN(x) || x === x), 200)`
 */
export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, numRuns: number): void {
  fc.assert(property, { seed: SEED, numRuns, endOnFailure: false });
}

/** Finite doubles, every binade, both zeros and the subnormals included. */
export const finiteDouble = (): fc.Arbitrary<number> => fc.double({ noNaN: true, noDefaultInfinity: true });
