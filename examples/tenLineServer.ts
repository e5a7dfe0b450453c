/*
 * The README's custom-server snippet, kept runnable here and tested (spec/examples): the lines
 * between the region markers are the README's code block, with '../lib/index.js' read as 'rxnet'.
 *
 *   PORT=7000 node dist/examples/tenLineServer.js      serve until Ctrl-C (PORT=0 picks a free port)
 *
 * Every line comes back reversed. A reply names its request (reverse it again), so a lost one is
 * noticed and never mistaken for another: randomDrop is safe on this TCP protocol.
 */
// #region readme
import { isOverlong, listenTcp, randomDrop, splitLines } from '../lib/index.js';
import { catchError, EMPTY, finalize, map, mergeMap } from 'rxjs';

// A "reverse" line protocol on TCP: every line comes back reversed, and one reply in ten is lost.
listenTcp({ port: Number(process.env.PORT ?? 7000), onListening: (at) => console.log(`listening tcp 127.0.0.1:${at.port}`) })
  .pipe(
    mergeMap((conn) =>
      conn.data$.pipe(
        splitLines({ maxLineLength: 1024 }), // framing: bytes -> lines
        map((line) => (isOverlong(line) ? 'ERR line too long' : [...line].reverse().join(''))), // the protocol
        randomDrop(0.9), // the drop operator: 90% of replies pass
        map((reply) => conn.send(`${reply}\n`)),
        finalize(() => conn.end()), // the client ended its side: end ours
        catchError(() => EMPTY), // a reset ends this connection, not the server
      ),
    ),
  )
  .subscribe();
// #endregion readme
