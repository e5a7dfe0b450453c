// @ts-check
/**
 * `npm run mutate`: StrykerJS over the pure layers (lib/calc/protocol, lib/calc/operators, lib/operators, lib/framing),
 * killed by their fast specs (spec/calc/protocol, spec/calc/operators, spec/framing, spec/operators, spec/property).
 * Not part of `npm test`. See docs/reliability.md for the figures and the surviving mutants.
 *
 * Stryker works in a sandbox copy (never in the working tree): it writes every mutant into the
 * TypeScript sources at once behind runtime switches (files get `// @ts-nocheck`), compiles them
 * with stryker.tsconfig.json (only what these specs import, so other work in progress elsewhere
 * cannot break the build), and runs mocha from dist/ with per-test coverage, so each mutant only
 * runs the tests that reach it. No type checker: a mutant that does not compile is simply not
 * made (checkers: []), which keeps this independent of the TypeScript version.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// The mocha-12 shim, see stryker.mocha12.cjs: here for this process, NODE_OPTIONS for the test runners.
const shim = fileURLToPath(new URL('./stryker.mocha12.cjs', import.meta.url));
createRequire(import.meta.url)(shim);
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(shim)}`.trim();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'mocha',
  plugins: ['@stryker-mutator/mocha-runner'],
  mutate: ['lib/calc/protocol/**/*.ts', 'lib/calc/operators/**/*.ts', 'lib/operators/**/*.ts', 'lib/framing/**/*.ts'],
  buildCommand: 'tsc -p stryker.tsconfig.json',
  mochaOptions: {
    spec: [
      'dist/spec/calc/protocol/**/*.spec.js',
      'dist/spec/calc/operators/**/*.spec.js',
      'dist/spec/framing/**/*.spec.js',
      'dist/spec/operators/**/*.spec.js',
      'dist/spec/property/**/*.spec.js',
    ],
    // Not .mocharc.json: that would add every integration spec (and the leak-checking root hook).
    'no-config': true,
  },
  coverageAnalysis: 'perTest',
  checkers: [],
  // Reports and the sandbox go under coverage/, which git ignores.
  ignorePatterns: ['dist', 'coverage', 'bench', 'cli', 'deploy', 'docs', 'examples'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'coverage/mutation/mutation.html' },
  jsonReporter: { fileName: 'coverage/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: 80 },
  concurrency: 2,
  timeoutMS: 5000,
  tempDirName: 'coverage/.stryker-tmp',
  cleanTempDir: true,
};
