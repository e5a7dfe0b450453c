import { expect } from 'chai';
import { startServer } from '../../lib/calc/server/startServer.js';
import { parseServerArgs } from '../../cli/src/serverCommand.js';
import { exchange } from '../helpers/rawTcp.js';
import { createSocket } from 'node:dgram';

/** Drops the time stamp of a wiretap entry's header, so entries can be compared. */
const untimed = (entry: string): string => entry.replace(/^\S+ /, '');

describe('startServer with a wiretap (issue 15)', () => {
  it('logs a TCP connection\'s request bytes as in and its reply bytes as out, with the peer and the length (fused path)', async () => {
    const log: string[] = [];
    const server = await startServer({ port: 0 }, undefined, { wiretap: { format: 'text', log: (e) => log.push(e) } });
    try {
      expect(await exchange(server.address.port, '+,1,1\n*,6,7\n', 2)).to.deep.equal(['200,2', '200,42']);
    } finally {
      await server.close();
    }
    const entries = log.map(untimed);
    expect(entries[0]).to.match(/^in 127\.0\.0\.1:\d+ 12 B\n\+,1,1\\n\*,6,7\\n$/);
    expect(entries.slice(1).join('|')).to.match(/^out 127\.0\.0\.1:\d+ 13 B\n200,2\\n200,42\\n$/);
  });

  it('logs each UDP datagram and its reply, in hexdump -C form', async () => {
    const log: string[] = [];
    const server = await startServer({ transport: 'udp', port: 0 }, undefined, { wiretap: { format: 'hex', log: (e) => log.push(e) } });
    const client = createSocket('udp4');
    try {
      const reply = await new Promise<string>((resolve) => {
        client.once('message', (m) => resolve(m.toString()));
        client.send('+,2,2', server.address.port, '127.0.0.1');
      });
      expect(reply).to.equal('200,4\n');
    } finally {
      client.close();
      await server.close();
    }
    expect(log.map(untimed)).to.deep.equal([
      `in 127.0.0.1:${(log[0] ?? '').match(/:(\d+) /)?.[1]} 5 B\n00000000  2b 2c 32 2c 32                                    |+,2,2|\n00000005`,
      `out 127.0.0.1:${(log[0] ?? '').match(/:(\d+) /)?.[1]} 6 B\n00000000  32 30 30 2c 34 0a                                 |200,4.|\n00000006`,
    ]);
  });

  it('node cli/server.js --wiretap text|hex, off by default; another value is a usage error', () => {
    expect(parseServerArgs([])).to.have.property('wiretap', undefined);
    expect(parseServerArgs(['--wiretap', 'hex'])).to.have.property('wiretap', 'hex');
    expect(() => parseServerArgs(['--wiretap', 'binary'])).to.throw('Invalid --wiretap "binary" (expected text or hex)');
  });
});
