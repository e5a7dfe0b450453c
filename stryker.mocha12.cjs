// Lets @stryker-mutator/mocha-runner 9.6 load mocha 12. Loaded by stryker.config.mjs (in Stryker's
// own process, and through NODE_OPTIONS in its test-runner processes); nothing else uses it.
//
// Mocha 12 renamed its CLI internals to .cjs (lib/cli/options.cjs, run-helpers.cjs,
// collect-files.cjs); the 9.6 runner still require()s them without an extension, which throws
// "Cannot find module" before the plugin can register. This retries exactly those requests with
// ".cjs" and changes nothing else. Delete this file (and its two lines in stryker.config.mjs) once
// the runner resolves them itself: stryker-js PR #6205.
'use strict';
const Module = require('node:module');

const MOCHA_CLI_INTERNAL = /[\\/]mocha[\\/]lib[\\/]cli[\\/][\w-]+$/;
const resolveFilename = Module._resolveFilename;

Module._resolveFilename = function resolveMochaCliInternal(request, ...rest) {
  try {
    return resolveFilename.call(this, request, ...rest);
  } catch (err) {
    if (MOCHA_CLI_INTERNAL.test(request)) return resolveFilename.call(this, `${request}.cjs`, ...rest);
    throw err;
  }
};
