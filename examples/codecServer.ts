/*
 * The README's "a protocol in about ten lines with a codec": a length-prefixed binary server on
 * serveTcp. PORT=7300 node dist/examples/codecServer.js prints "listening tcp 127.0.0.1:7300".
 */
// #region readme
import { lengthFieldCodec, serveTcp } from '../lib/index.js';
import { map } from 'rxjs';

// A binary protocol on TCP: each frame is a 4-byte big-endian length and a body, and comes back
// with its body reversed; a frame with a bad length closes that connection, not the server.
const codec = lengthFieldCodec({ maxFrameLength: 65536 });
const port = Number(process.env.PORT ?? 7300);
serveTcp({ port, codec, onListening: (at) => console.log(`listening tcp 127.0.0.1:${at.port}`) }, map((body) => Buffer.from(body).reverse())).subscribe();
// #endregion readme
