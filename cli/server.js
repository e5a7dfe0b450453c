#!/usr/bin/env node
// The rxnet calc server. Sources: cli/src/server.ts, built into dist/ by `npm install`.
import '../dist/cli/src/server.js';
