#!/usr/bin/env node
// The rxnet calc client. Sources: cli/src/client.ts, built into dist/ by `npm install`.
import '../dist/cli/src/client.js';
