/*
 * The README's client snippet, kept runnable here and tested (spec/examples): the lines between
 * the region markers are the README's code block, with '../lib/index.js' read as 'rxnet'.
 *
 *   node cli/server.js --udp --success 0.5 &
 *   PORT=9000 node dist/examples/oneRequestClient.js      prints 200,2 (or fails after 5 attempts)
 *
 * One request with the seed's backoff: wait 100 ms for the answer, then resend and wait 200, 400,
 * 800, 1600 ms; give up rather than wait longer than 2000 ms. The client is closed either way.
 */
// #region readme
import { createCalcClient } from '../lib/index.js';
import { firstValueFrom } from 'rxjs';

const client = createCalcClient({ transport: 'udp', port: Number(process.env.PORT ?? 9000), retry: { initial: 100, max: 2000 } });
try {
  const reply = await firstValueFrom(client.request('+,1,1')); // { code: 200, value: 2, text: '200,2' }
  console.log(reply.text);
} finally {
  await client.close(); // every socket and timer of the client, so the process exits
}
// #endregion readme
