import { expect } from 'chai';
import { RxnetConnectionError, RxnetInvalidOptionError } from '../../../lib/errors.js';
import { startServer } from '../../../lib/calc/server/startServer.js';
import { map } from 'rxjs';
import { exchange, openSocket, closed, connectOutcome } from '../../helpers/rawTcp.js';
import { openUdpProbe } from '../../helpers/rawUdp.js';


describe('startServer', () => {
  it('serves the calc protocol over TCP on a free port by default options', async () => {
    const server = await startServer({ port: 0 });
    expect(server.transport).to.equal('tcp');
    expect(server.address.port).to.be.greaterThan(0);
    expect(server.options.host).to.equal('127.0.0.1');
    expect(await exchange(server.address.port, '+,1,1\n', 1)).to.deep.equal(['200,2']);
    await server.close();
  });

  it('serves any pipeline from framed requests to reply texts', async () => {
    const upper = map((frame: unknown) => String(frame).toUpperCase());
    const server = await startServer({ port: 0 }, upper);
    expect(await exchange(server.address.port, 'hello\nrx\n', 2)).to.deep.equal(['HELLO', 'RX']);
    await server.close();
  });

  it('rejects an invalid option with RxnetInvalidOptionError', async () => {
    const err: unknown = await startServer({ port: 70000 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RxnetInvalidOptionError);
    expect((err as RxnetInvalidOptionError).message).to.equal('Invalid port "70000" (expected an integer 0-65535)');
  });

  it('rejects with RxnetConnectionError naming the address when the port is in use', async () => {
    const first = await startServer({ port: 0 });
    const err: unknown = await startServer({ port: first.address.port }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RxnetConnectionError);
    const connectionError = err as RxnetConnectionError;
    expect(connectionError.code).to.equal('ERR_RXNET_CONNECTION');
    expect(connectionError.info.syscallCode).to.equal('EADDRINUSE');
    expect(connectionError.message).to.match(new RegExp(`^Cannot listen on tcp://127\\.0\\.0\\.1:${first.address.port}: .*EADDRINUSE`));
    await first.close();
  });

  describe('#close', () => {
    it('closes the listening socket and every open connection', async () => {
      const server = await startServer({ port: 0 });
      const idle = await openSocket(server.address.port);
      await server.close();
      await closed(idle);
      expect(await connectOutcome(server.address.port)).to.equal('ECONNREFUSED');
    });

    it('does not throw if called multiple times, and returns the same promise', async () => {
      const server = await startServer({ port: 0 });
      const first = server.close();
      expect(server.close()).to.equal(first);
      await Promise.all([first, server.close(), server.close()]);
    });

    it('is what Symbol.asyncDispose calls (await using)', async () => {
      const server = await startServer({ port: 0, transport: 'udp' });
      await server[Symbol.asyncDispose]();
      expect(server.close()).to.be.instanceOf(Promise);
      await server.close();
      const probe = await openUdpProbe();
      probe.send('+,1,1', server.address.port);
      expect(await probe.waitFor(1, 100)).to.deep.equal([]);
      await probe.close();
    });
  });
});
