#!/usr/bin/env node
// rxnet's merged command line: server, client, discover. Sources: cli/src/rxnet.ts, built by `npm install`.
import '../dist/cli/src/rxnet.js';
