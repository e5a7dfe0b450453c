/*
 * The README's first library snippet, kept runnable here and tested (spec/examples): the lines
 * between the region markers are the README's code block, with '../lib/index.js' read as 'rxnet'.
 *
 *   node dist/examples/udpStatsServer.js      serve until Ctrl-C on a free UDP port
 *
 * The calc server on UDP, losing half its replies, printing its counters every second. Ctrl-C
 * closes it; closing completes the stats stream, so nothing is left and the process exits.
 */
// #region readme
import { startServer } from '../lib/index.js';

// The calc protocol on UDP, half the replies lost, the counters printed every second until Ctrl-C.
const server = await startServer({ transport: 'udp', port: 0, success: 0.5 });
process.once('SIGINT', () => server.close()); // stats() completes when the server closes: the process exits
console.log(`listening udp ${server.address.address}:${server.address.port}`);
server.stats(1000).subscribe((s) => console.log(`requests=${s.requests} replies=${s.replies} p99=${s.latencyMicros.p99}us`));
// #endregion readme
