import { expect } from 'chai';
import type { Socket } from 'node:net';
import { pipe, Subject, tap } from 'rxjs';
import type { Frame } from '../../lib/framing/Frame.js';
import { calcPipeline } from '../../lib/calc/server/calcPipeline.js';
import { serveTcp } from '../../lib/server/serveTcp.js';
import { ServerStats } from '../../lib/server/ServerStats.js';
import type { TcpConnection } from '../../lib/transport/TcpConnection.js';
import { openSocket } from '../helpers/rawTcp.js';

/** Everything the server sends until it ends the connection (or `timeoutMs`), and whether it ended it with a FIN. */
function readUntilEnd(socket: Socket, timeoutMs: number): Promise<{ text: string; ended: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    let ended = false;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('end', () => (ended = true));
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ text, ended });
    });
  });
}

describe('graceful stop with read bytes still waiting for their turn (issue 11.5)', () => {
  it('issue 11: answers every whole line already read, those still waiting to be framed included, then ends with a FIN', async function () {
    this.timeout(10000);
    const stop$ = new Subject<void>();
    const stats = new ServerStats();
    let connection: TcpConnection | undefined;
    let readAtStop = -1;
    // The stop comes with the very first request: nearly all of the first read is still waiting.
    const stopOnFirst = tap<Frame>(() => {
      if (readAtStop >= 0 || connection === undefined) return;
      readAtStop = connection.socket.bytesRead;
      stop$.next();
    });
    let port = 0;
    let markListening: () => void = () => {};
    const listening = new Promise<void>((resolve) => (markListening = resolve));
    let markDone: () => void = () => {};
    const done = new Promise<void>((resolve) => (markDone = resolve));
    const subscription = serveTcp(
      {
        port: 0,
        stop$,
        stats,
        onListening: (address) => {
          port = address.port;
          markListening();
        },
        onConnection: (c) => (connection = c),
      },
      pipe(stopOnFirst, calcPipeline()),
    ).subscribe({ complete: () => markDone() });
    try {
      await listening;
      const requests = Array.from({ length: 8000 }, (_, k) => `+,${k},1\n`).join('');
      const client = await openSocket(port);
      const replies = readUntilEnd(client, 5000);
      client.write(requests);
      const { text, ended } = await replies;
      await done;
      const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
      const wholeLinesRead = requests.slice(0, readAtStop).split('\n').length - 1;
      expect(readAtStop, 'bytes read when the stop came').to.be.greaterThan(4096);
      expect(lines.length, `replies (of ${wholeLinesRead} whole lines read)`).to.equal(wholeLinesRead);
      expect(lines.every((line, k) => line === `200,${k + 1}`), 'each the right answer').to.equal(true);
      expect(ended, 'ended with a FIN').to.equal(true);
      expect(stats.replies).to.equal(stats.requests);
    } finally {
      subscription.unsubscribe();
    }
  });
});
