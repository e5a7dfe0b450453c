import { expect } from 'chai';
import { firstValueFrom, Subject } from 'rxjs';
import { createCalcClient, createTcpClient, RxnetInvalidOptionError } from '../../lib/index.js';
import { wiretapUdpSocket } from '../../lib/client/wiretapSockets.js';
import { startServer } from '../../lib/calc/server/startServer.js';

const AT_ZERO = { now: () => 0 };

describe('the client\'s wiretap option (issue 15)', () => {
  it('createCalcClient over TCP logs each request as out and each reply as in, to the server, with the length', async () => {
    await using server = await startServer({ transport: 'tcp', port: 0 });
    const port = server.address.port;
    const log: string[] = [];
    await using client = createCalcClient({ port, wiretap: { format: 'text', log: (e) => log.push(e), ...AT_ZERO } });
    expect((await firstValueFrom(client.request('+,1,1'))).text).to.equal('200,2');
    expect(log).to.deep.equal([
      `1970-01-01T00:00:00.000Z out 127.0.0.1:${port} 6 B\n+,1,1\\n`,
      `1970-01-01T00:00:00.000Z in 127.0.0.1:${port} 6 B\n200,2\\n`,
    ]);
  });

  it('createCalcClient over UDP logs the datagram and its reply, in hexdump -C form', async () => {
    await using server = await startServer({ transport: 'udp', port: 0 });
    const port = server.address.port;
    const log: string[] = [];
    await using client = createCalcClient({ transport: 'udp', port, wiretap: { format: 'hex', log: (e) => log.push(e), ...AT_ZERO } });
    expect((await firstValueFrom(client.request('*,6,7'))).text).to.equal('200,42');
    expect(log).to.deep.equal([
      `1970-01-01T00:00:00.000Z out 127.0.0.1:${port} 5 B\n00000000  2a 2c 36 2c 37                                    |*,6,7|\n00000005`,
      `1970-01-01T00:00:00.000Z in 127.0.0.1:${port} 7 B\n00000000  32 30 30 2c 34 32 0a                              |200,42.|\n00000007`,
    ]);
  });

  it('createTcpClient takes the same option', async () => {
    await using server = await startServer({ transport: 'tcp', port: 0 });
    const log: string[] = [];
    const client = createTcpClient({ port: server.address.port, wiretap: { format: 'text', log: (e) => log.push(e) } });
    try {
      expect(await firstValueFrom(client.request('-,5,3'))).to.equal('200,2');
    } finally {
      await client.close();
    }
    expect(log.map((entry) => entry.replace(/^\S+ /, '').split(' ')[0])).to.deep.equal(['out', 'in']);
  });

  it('logs one entry per datagram however many listen to the tapped socket, and each send as out', () => {
    const log: string[] = [];
    const messages$ = new Subject<Buffer>();
    const sent: (string | Uint8Array)[] = [];
    const socket = wiretapUdpSocket(
      { local: { address: '127.0.0.1', port: 1, family: 'IPv4' }, remote: { address: '127.0.0.1', port: 9, family: 'IPv4' }, messages$, send: (data) => sent.push(data) },
      { format: 'text', log: (e) => log.push(e), ...AT_ZERO },
    );
    const received: Buffer[] = [];
    const first = socket.messages$.subscribe((d) => received.push(d));
    const second = socket.messages$.subscribe((d) => received.push(d));
    socket.send('+,1,1');
    messages$.next(Buffer.from('200,2\n'));
    messages$.next(Buffer.from('200,2\n'));
    first.unsubscribe();
    second.unsubscribe();
    expect(received).to.have.length(4);
    expect(sent).to.deep.equal(['+,1,1']);
    expect(log).to.deep.equal([
      '1970-01-01T00:00:00.000Z out 127.0.0.1:9 5 B\n+,1,1',
      '1970-01-01T00:00:00.000Z in 127.0.0.1:9 6 B\n200,2\\n',
      '1970-01-01T00:00:00.000Z in 127.0.0.1:9 6 B\n200,2\\n',
    ]);
  });

  it('rejects a bad wiretap option with one sentence naming it', () => {
    const bad = () => createCalcClient({ wiretap: { format: 'binary', log: () => {} } as never });
    expect(bad).to.throw(RxnetInvalidOptionError, 'Invalid wiretap');
    expect(() => createTcpClient({ wiretap: { format: 'hex' } as never })).to.throw(RxnetInvalidOptionError, 'expected { format: text or hex, log: a function }');
  });
});

